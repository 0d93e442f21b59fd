package fakecdn

import (
	"bytes"
	"io"
	"net/http"
	"strings"
)

// writeProxied writes the member's response to the client as ReverseProxy
// and net/http's server together would: hop-by-hop fields removed, the
// LB's fields added (modifyResponse), the body framed by its length, or
// chunked and flushed as it comes when the length is unknown, trailers
// passed on. It reports whether the connection may serve another request.
func (c *fastConn) writeProxied(in *http.Request, res *http.Response) bool {
	defer res.Body.Close()
	removeHopByHop(res.Header)
	_ = c.s.lb.modifyResponse(res) // it never fails
	h, code := res.Header, res.StatusCode
	x := headExtra{contentLength: -1, close: in.Close || c.s.closing.Load()}
	length := int64(-1)
	if v := h["Content-Length"]; len(v) > 0 {
		if n, ok := parseLength(v[0]); ok {
			length = n
		} else {
			delete(h, "Content-Length") // as net/http's server drops an invalid one
		}
	}
	if len(res.Trailer) > 0 {
		keys := make([]string, 0, len(res.Trailer))
		for k := range res.Trailer {
			keys = append(keys, k)
		}
		h["Trailer"] = []string{strings.Join(keys, ", ")}
	}
	body := bodyAllowedForStatus(code) && !c.isHEAD
	if !body {
		writeHead(c.bw, code, h, x)
		return c.bw.Flush() == nil && !x.close
	}
	bufp := copyBuffers.Get().(*[32 << 10]byte)
	defer copyBuffers.Put(bufp)
	buf := bufp[:]
	first, rerr := readSome(res.Body, buf)
	x.contentType = sniff(h, first)
	if length < 0 {
		x.chunked = len(first) > 0 || rerr != io.EOF || len(res.Trailer) > 0
		if !x.chunked {
			x.contentLength = 0 // an empty body, as net/http's server frames it
		}
	}
	writeHead(c.bw, code, h, x)
	if x.chunked {
		return c.copyChunked(res, first, rerr, buf) && !x.close
	}
	return c.copyLength(res, first, rerr, buf, length, h) && !x.close
}

// readSome reads until it gets a byte or an error.
func readSome(r io.Reader, buf []byte) ([]byte, error) {
	for {
		n, err := r.Read(buf)
		if n > 0 || err != nil {
			return buf[:n], err
		}
	}
}

// sniff is the Content-Type net/http's server adds to a body without one.
func sniff(h http.Header, first []byte) string {
	if _, ok := h["Content-Type"]; ok || len(first) == 0 || len(h["Content-Encoding"]) > 0 && h["Content-Encoding"][0] != "" {
		return ""
	}
	return http.DetectContentType(first)
}

// copyLength copies a body of the given length; an event stream is flushed
// as it comes, as ReverseProxy does.
func (c *fastConn) copyLength(res *http.Response, p []byte, err error, buf []byte, length int64, h http.Header) bool {
	stream := len(h["Content-Type"]) > 0 && strings.HasPrefix(h["Content-Type"][0], "text/event-stream")
	var written int64
	for {
		if len(p) > 0 {
			if _, werr := c.bw.Write(p); werr != nil {
				return false
			}
			written += int64(len(p))
			if stream && c.bw.Flush() != nil {
				return false
			}
		}
		if err != nil {
			ferr := c.bw.Flush()
			return err == io.EOF && ferr == nil && written == length
		}
		var n int
		n, err = res.Body.Read(buf)
		p = buf[:n]
	}
}

// copyChunked writes the body in chunks, each flushed, then the trailers.
func (c *fastConn) copyChunked(res *http.Response, p []byte, err error, buf []byte) bool {
	for {
		if len(p) > 0 {
			writeInt(c.bw, int64(len(p)), 16)
			c.bw.WriteString("\r\n")
			c.bw.Write(p)
			c.bw.WriteString("\r\n")
			if c.bw.Flush() != nil {
				return false
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return false // the member broke off: so does the client's connection
		}
		var m int
		m, err = res.Body.Read(buf)
		p = buf[:m]
	}
	res.Body.Close() // fills res.Trailer
	c.bw.WriteString("0\r\n")
	writeHeaderFields(c.bw, res.Trailer, nil)
	c.bw.WriteString("\r\n")
	return c.bw.Flush() == nil
}

// fastAnswer is the http.ResponseWriter for the LB's own answers (503,
// 502): small, buffered, written whole with its length by writeAnswer.
type fastAnswer struct {
	h    http.Header
	code int
	body bytes.Buffer
}

func newFastAnswer() *fastAnswer { return &fastAnswer{h: make(http.Header)} }

func (a *fastAnswer) Header() http.Header { return a.h }

func (a *fastAnswer) WriteHeader(code int) {
	if a.code == 0 {
		a.code = code
	}
}

func (a *fastAnswer) Write(p []byte) (int, error) {
	a.WriteHeader(http.StatusOK)
	return a.body.Write(p)
}

// writeAnswer writes a buffered answer as net/http's server writes a
// handler's small output: with its length and a sniffed type.
func (c *fastConn) writeAnswer(in *http.Request, a *fastAnswer) bool {
	c.mu.Lock()
	c.headDone = true
	c.mu.Unlock()
	a.WriteHeader(http.StatusOK)
	body := a.body.Bytes()
	x := headExtra{contentLength: -1, close: in.Close || c.s.closing.Load()}
	if bodyAllowedForStatus(a.code) {
		if _, ok := a.h["Content-Length"]; !ok && (!c.isHEAD || len(body) > 0) {
			x.contentLength = int64(len(body))
		}
		x.contentType = sniff(a.h, body)
	}
	writeHead(c.bw, a.code, a.h, x)
	if bodyAllowedForStatus(a.code) && !c.isHEAD {
		c.bw.Write(body)
	}
	return c.bw.Flush() == nil && !x.close
}
