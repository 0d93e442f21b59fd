package fakecdn

import (
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
)

// parseRequestHead parses a request head — the request line and the header
// lines, each ending in CRLF, without the blank line — into req and u as
// net/http's server would, for the requests FastServer serves itself: an
// HTTP/1.1 request in origin form, one Host, plain header lines, no body or
// one of known length. Anything else reports false, for net/http's server
// (FuzzParseRequestHead holds it to http.ReadRequest): other versions,
// CONNECT, upgrades, "Expect", "Transfer-Encoding", folded or unusual lines,
// more than maxSimpleHeaders of them, a query ReverseProxy would rewrite.
// Keys and values are slices of head; vals backs the first values.
func parseRequestHead(head string, req *http.Request, u *url.URL, vals []string) bool {
	line, rest, _ := strings.Cut(head, "\r\n")
	method, line, ok1 := strings.Cut(line, " ")
	uri, proto, ok2 := strings.Cut(line, " ")
	if !ok1 || !ok2 || proto != "HTTP/1.1" || !isToken(method) || method == http.MethodConnect || !parseOriginForm(uri, u) {
		return false
	}
	lines := strings.Count(rest, "\r\n")
	if lines > maxSimpleHeaders {
		return false
	}
	if lines > len(vals) {
		vals = make([]string, lines)
	}
	h := make(http.Header, lines)
	length, hosts, host, closing := int64(0), 0, "", false
	for i := 0; rest != ""; i++ {
		line, rest, _ = strings.Cut(rest, "\r\n")
		k, v, ok := strings.Cut(line, ":")
		if !ok || !isToken(k) || !plainValue(v) {
			return false
		}
		k, v = textproto.CanonicalMIMEHeaderKey(k), textproto.TrimString(v)
		switch k {
		case "Host":
			hosts, host = hosts+1, v
			continue // net/http keeps it in req.Host only
		case "Transfer-Encoding", "Expect", "Upgrade":
			return false
		case "Content-Length":
			n, ok := parseLength(v)
			if !ok || h[k] != nil {
				return false // duplicates: net/http's business
			}
			length = n
		case "Connection":
			if containsToken(v, "upgrade") {
				return false
			}
			closing = closing || containsToken(v, "close")
		}
		vals[i] = v
		if prior, dup := h[k]; dup {
			h[k] = append(prior, v)
		} else {
			h[k] = vals[i : i+1 : i+1]
		}
	}
	if hosts != 1 || !plainHost(host) {
		return false
	}
	if p := h["Pragma"]; len(p) > 0 && p[0] == "no-cache" && h["Cache-Control"] == nil {
		h["Cache-Control"] = []string{"no-cache"} // as net/http's fixPragmaCacheControl
	}
	req.Method, req.URL, req.RequestURI, req.Host = method, u, uri, host
	req.Proto, req.ProtoMajor, req.ProtoMinor = "HTTP/1.1", 1, 1
	req.Header, req.ContentLength, req.Close = h, length, closing
	return true
}

// parseOriginForm parses a request target "/path?query" into u as
// url.ParseRequestURI does: itself when the path needs no unescaping and
// escapes back to itself, with url.ParseRequestURI otherwise. A query that
// ReverseProxy would clean (a ';' or a bad escape) reports false.
func parseOriginForm(uri string, u *url.URL) bool {
	if uri == "" || uri[0] != '/' {
		return false
	}
	path, query, hasQuery := strings.Cut(uri, "?")
	if !cleanQuery(query) {
		return false
	}
	if plainPath(path) && (!hasQuery || query != "") {
		*u = url.URL{Path: path, RawQuery: query}
		return true
	}
	parsed, err := url.ParseRequestURI(uri)
	if err != nil {
		return false
	}
	*u = *parsed
	return true
}

// plainPath reports whether a path has only bytes url.URL keeps as they
// are in both directions.
func plainPath(p string) bool { return alnumOr(p, "-_.~$&+,/:;=@") }

// cleanQuery reports whether a raw query has no control byte or space,
// no ';' and only well-formed escapes: one ReverseProxy forwards unchanged.
func cleanQuery(q string) bool {
	for i := 0; i < len(q); i++ {
		switch c := q[i]; {
		case c <= ' ' || c == 0x7f || c == ';':
			return false
		case c == '%':
			if i+2 >= len(q) || !isHex(q[i+1]) || !isHex(q[i+2]) {
				return false
			}
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
