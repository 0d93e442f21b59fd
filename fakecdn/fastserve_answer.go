package fakecdn

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"time"
)

// fastRequest holds, in one allocation, what a request on the fast path
// needs: its inbound and outbound http.Request, its decision's context,
// both URLs, the backing array of its header values and its body.
type fastRequest struct {
	in, out http.Request
	dc      decisionContext
	url     url.URL
	outURL  url.URL
	vals    [16]string
	body    []byte
	inBody  bodyReader
	outBody bodyReader
}

// bodyReader is a request body in memory.
type bodyReader struct{ bytes.Reader }

func (*bodyReader) Close() error { return nil }

func (fr *fastRequest) newBody() io.ReadCloser {
	fr.inBody.Reset(fr.body)
	return &fr.inBody
}

// getBody is the outbound request's GetBody: the body again, for a redispatch.
func (fr *fastRequest) getBody() (io.ReadCloser, error) {
	b := new(bodyReader)
	b.Reset(fr.body)
	return b, nil
}

// answer decides in, forwards it and writes the answer, reusing the LB's
// own steps (decideInto, rewrite, the proxy's transport chain with its
// redispatch and status failover, modifyResponse, errorHandler,
// unavailable) as ServeHTTP does through ReverseProxy. It reports whether
// the connection may serve another request.
func (c *fastConn) answer(in *http.Request, fr *fastRequest) bool {
	lb := c.s.lb
	c.keepWriteDeadline(c.s.writeTimeout)
	c.mu.Lock()
	c.headDone, c.isHEAD = false, in.Method == http.MethodHead
	c.mu.Unlock()
	s := lb.decideInto(&fr.dc, in, time.Now())
	d := &fr.dc.d
	if d.member == nil {
		a := newFastAnswer()
		lb.unavailable(a, in, s, d)
		return c.writeAnswer(in, a)
	}
	if !lb.memberDelay(in.Context(), d) {
		return false
	}
	out := outbound(in, fr)
	lb.rewrite(&httputil.ProxyRequest{In: in, Out: out})
	if _, ok := out.Header["User-Agent"]; !ok {
		out.Header["User-Agent"] = []string{""} // no Go default, as ReverseProxy
	}
	res, err := lb.proxy.Transport.RoundTrip(out)
	c.mu.Lock()
	c.headDone = true
	c.mu.Unlock()
	if err == nil && res.StatusCode == http.StatusSwitchingProtocols {
		res.Body.Close()
		err = fmt.Errorf("backend tried to switch protocol %q when none was requested", res.Header.Get("Upgrade"))
	}
	if err != nil {
		a := newFastAnswer()
		lb.errorHandler(a, out, err)
		return c.writeAnswer(in, a)
	}
	return c.writeProxied(in, res)
}

// outbound is ReverseProxy's outbound request before its Rewrite hook: a
// copy of in without the hop-by-hop fields, the ones its Connection field
// names, and the client's Forwarded and X-Forwarded-*; "Te: trailers" kept.
func outbound(in *http.Request, fr *fastRequest) *http.Request {
	fr.out = *in.WithContext(&fr.dc)
	out := &fr.out
	fr.outURL = *in.URL
	out.URL, out.Close = &fr.outURL, false
	h := make(http.Header, len(in.Header))
	conn := in.Header["Connection"]
	for k, vv := range in.Header {
		if !dropOutbound(k, conn) {
			h[k] = vv
		}
	}
	if te := in.Header["Te"]; len(te) > 0 && valuesContainToken(te, "trailers") {
		h["Te"] = []string{"trailers"}
	}
	out.Header = h
	if in.ContentLength == 0 {
		out.Body = nil
	} else {
		fr.outBody.Reset(fr.body)
		out.Body, out.GetBody = &fr.outBody, fr.getBody
	}
	return out
}

// hopByHop are the fields that belong to one connection, as ReverseProxy
// lists them: neither forwarded to the member nor passed back to the client.
var hopByHop = []string{"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate",
	"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

func dropOutbound(k string, conn []string) bool {
	switch k {
	case "Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto":
		return true // the LB sets its own (setForwarded)
	}
	return slices.Contains(hopByHop, k) || connectionNames(conn, k)
}

// connectionNames reports whether a Connection field lists the name k.
func connectionNames(conn []string, k string) bool {
	for _, v := range conn {
		for f := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.Trim(f, " \t"), k) {
				return true
			}
		}
	}
	return false
}

func valuesContainToken(vv []string, token string) bool {
	for _, v := range vv {
		if containsToken(v, token) {
			return true
		}
	}
	return false
}

// removeHopByHop is ReverseProxy's removeHopByHopHeaders, for the response.
func removeHopByHop(h http.Header) {
	for _, f := range h["Connection"] {
		for sf := range strings.SplitSeq(f, ",") {
			if sf = strings.Trim(sf, " \t"); sf != "" {
				h.Del(sf)
			}
		}
	}
	for _, k := range hopByHop {
		delete(h, k)
	}
}
