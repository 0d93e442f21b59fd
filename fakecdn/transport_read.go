package fakecdn

import (
	"bufio"
	"bytes"
	"net/http"
	"net/textproto"
	"strings"
)

// maxSimpleHeaders bounds the header lines readSimpleResponse takes on.
const maxSimpleHeaders = 64

// readSimpleResponse reads the response head the fast path sees almost
// always — HTTP/1.1, a final status with a body of known length, plain
// header lines, all of it already in br's buffer — as http.ReadResponse
// would, in four allocations where ReadResponse takes a dozen: one string
// for the head (keys, values and status are slices of it), the header map
// and its table, and the Response with an array for the values. Its body is left in br for the
// caller to read (h1Body). Anything else — 1xx, 204/304, a HEAD, chunked or
// close-delimited bodies, trailers, folded or unusual lines, a head not yet
// wholly received — reports false with nothing consumed, for
// http.ReadResponse (TestReadSimpleResponseAsReadResponse).
func readSimpleResponse(br *bufio.Reader, req *http.Request) (*http.Response, bool) {
	if req.Method == http.MethodHead {
		return nil, false
	}
	buf, _ := br.Peek(br.Buffered())
	end := bytes.Index(buf, []byte("\r\n\r\n"))
	if end < 0 || !bytes.HasPrefix(buf, []byte("HTTP/1.1 ")) {
		return nil, false
	}
	lines := bytes.Count(buf[:end], []byte("\r\n")) // header lines, the status line not counted
	if lines > maxSimpleHeaders {
		return nil, false
	}
	head := string(buf[:end+2]) // every line with its CRLF
	status, rest, _ := strings.Cut(head[len("HTTP/1.1 "):], "\r\n")
	code, ok := finalStatus(status)
	if !ok {
		return nil, false
	}
	sr := new(simpleResponse)
	resp := &sr.Response
	*resp = http.Response{
		Status: status, StatusCode: code, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: make(http.Header, lines), ContentLength: -1, Request: req,
	}
	vals := sr.vals[:]
	if lines > len(vals) {
		vals = make([]string, lines)
	}
	if !readSimpleHeader(resp, rest, vals) || resp.ContentLength < 0 {
		return nil, false
	}
	_, _ = br.Discard(end + 4)
	return resp, true
}

// simpleResponse allocates a Response with the array of its header values.
type simpleResponse struct {
	http.Response
	vals [16]string
}

// finalStatus parses "200 OK" (or "200"): a final status with a body.
func finalStatus(s string) (int, bool) {
	if len(s) < 3 || len(s) > 3 && s[3] != ' ' {
		return 0, false
	}
	code := 0
	for i := range 3 {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		code = code*10 + int(s[i]-'0')
	}
	if code < 200 || code > 599 || code == http.StatusNoContent || code == http.StatusNotModified {
		return 0, false
	}
	return code, printable(s)
}

// readSimpleHeader fills resp.Header from the header lines (each ending in
// CRLF), sets ContentLength and Close; false for anything unusual.
func readSimpleHeader(resp *http.Response, lines string, vals []string) bool {
	for i := 0; lines != ""; i++ {
		line, rest, _ := strings.Cut(lines, "\r\n")
		lines = rest
		k, v, ok := strings.Cut(line, ":")
		if !ok || !isToken(k) || !plainValue(v) {
			return false
		}
		k, v = textproto.CanonicalMIMEHeaderKey(k), textproto.TrimString(v)
		switch k {
		case "Transfer-Encoding", "Trailer":
			return false
		case "Content-Length":
			n, ok := parseLength(v)
			if !ok || resp.ContentLength >= 0 {
				return false // duplicates: ReadResponse's business
			}
			resp.ContentLength = n
		case "Connection":
			resp.Close = resp.Close || containsToken(v, "close")
		}
		vals[i] = v
		if prior, dup := resp.Header[k]; dup {
			resp.Header[k] = append(prior, v)
		} else {
			resp.Header[k] = vals[i : i+1 : i+1]
		}
	}
	if resp.Close {
		resp.Header.Del("Connection") // as ReadResponse does
	}
	return true
}

func parseLength(s string) (int64, bool) {
	if s == "" || len(s) > 18 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int64(s[i]-'0')
	}
	return n, true
}

// plainValue reports whether a header value has only visible characters,
// spaces, tabs and non-ASCII bytes: no line break or other control byte.
func plainValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// containsToken reports whether the comma-separated list v holds token,
// ASCII case-insensitively.
func containsToken(v, token string) bool {
	for part := range strings.SplitSeq(v, ",") {
		if strings.EqualFold(textproto.TrimString(part), token) {
			return true
		}
	}
	return false
}

// isToken reports whether s is an HTTP token (RFC 9110 section 5.6.2).
func isToken(s string) bool { return alnumOr(s, "!#$%&'*+-.^_`|~") }

// alnumOr reports whether s is not empty and has only ASCII letters, digits
// and bytes of extra.
func alnumOr(s, extra string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(extra, c) >= 0) {
			return false
		}
	}
	return s != ""
}
