package fakecdn

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// reqExclude are the header fields writeRequest writes itself, as
// Request.Write does.
var reqExclude = map[string]bool{"Host": true, "User-Agent": true, "Content-Length": true, "Transfer-Encoding": true, "Trailer": true}

// writeRequest writes req's head and body to bw byte for byte as
// Request.Write does, without its per-request formatting allocations, for
// the requests the fast path sees almost always: a plain host and URI, no
// Connection: close, no trailer, and no body or one of known length.
// Anything else goes to Request.Write itself.
func writeRequest(bw *bufio.Writer, req *http.Request) error {
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	uri := req.URL.RequestURI()
	ua, hasUA := req.Header["User-Agent"]
	plainBody := (req.Body == nil || req.Body == http.NoBody) == (req.ContentLength == 0)
	if req.Method == "" || req.Method == http.MethodConnect || req.Close || req.Trailer != nil ||
		len(req.TransferEncoding) > 0 || !plainBody || !plainHost(host) || !printable(uri) ||
		(hasUA && len(ua) > 0 && !printable(ua[0])) {
		return req.Write(bw)
	}
	bw.WriteString(req.Method)
	bw.WriteByte(' ')
	bw.WriteString(uri)
	bw.WriteString(" HTTP/1.1\r\nHost: ")
	bw.WriteString(host)
	bw.WriteString("\r\n")
	switch {
	case !hasUA:
		bw.WriteString("User-Agent: Go-http-client/1.1\r\n")
	case len(ua) > 0 && ua[0] != "":
		bw.WriteString("User-Agent: ")
		bw.WriteString(ua[0])
		bw.WriteString("\r\n")
	}
	if req.ContentLength > 0 || req.Method == http.MethodPost || req.Method == http.MethodPut || req.Method == http.MethodPatch {
		var n [20]byte
		bw.WriteString("Content-Length: ")
		bw.Write(strconv.AppendInt(n[:0], req.ContentLength, 10))
		bw.WriteString("\r\n")
	}
	if err := req.Header.WriteSubset(bw, reqExclude); err != nil {
		return err
	}
	if _, err := bw.WriteString("\r\n"); err != nil {
		return err
	}
	return writeBody(bw, req)
}

// writeBody sends exactly ContentLength bytes and closes the body, failing
// like Request.Write when the body is shorter or longer.
func writeBody(bw *bufio.Writer, req *http.Request) error {
	if req.ContentLength == 0 {
		return nil
	}
	defer req.Body.Close()
	n, err := io.CopyN(bw, req.Body, req.ContentLength)
	if err == io.EOF {
		return fmt.Errorf("http: ContentLength=%d with Body length %d", req.ContentLength, n)
	}
	if err != nil {
		return err
	}
	var extra [1]byte
	if m, _ := io.ReadFull(req.Body, extra[:]); m > 0 {
		return fmt.Errorf("http: ContentLength=%d with Body length > %d", req.ContentLength, n)
	}
	return nil
}

// plainHost reports whether host is an ASCII name or address with an
// optional port, which Request.Write sends unchanged.
func plainHost(host string) bool { return alnumOr(host, ".-_:[]") }

// printable reports whether s has no control byte and no leading or
// trailing space, so Request.Write would send it unchanged.
func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] == 0x7f {
			return false
		}
	}
	return strings.TrimSpace(s) == s
}
