package fakecdn

import (
	"bufio"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/http/httpguts"
)

// FuzzParseRequestHead holds parseRequestHead to http.ReadRequest and the
// checks net/http's server adds (one valid Host, valid field names and
// values): a head it accepts, net/http accepts as the same request.
func FuzzParseRequestHead(f *testing.F) {
	for _, s := range []string{
		"GET / HTTP/1.1\r\nHost: portal.example\r\n",
		"GET /login?ReturnUrl=%2Faccount HTTP/1.1\r\nHost: portal.example:8080\r\nCookie: lbs=!abc; a=b\r\nUser-Agent: wrk\r\n",
		"POST /login HTTP/1.1\r\nHost: p\r\nContent-Length: 12\r\nContent-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n",
		"GET /a%20b/~c;d HTTP/1.1\r\nhost: p\r\nx-a: 1\r\nX-A: 2\r\nPragma: no-cache\r\n",
		"GET /?q HTTP/1.1\r\nHost: [::1]:80\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\n",
		"GET //x?a=%zz HTTP/1.1\r\nHost: p\r\n",
		"OPTIONS * HTTP/1.1\r\nHost: p\r\n",
		"GET / HTTP/1.1\r\nHost: p\r\nX: a\r\n b\r\n",
		"GET / HTTP/1.1\r\nHost: p\r\nContent-Length: 007\r\nX-Empty:\r\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, head string) {
		if !strings.HasSuffix(head, "\r\n") || strings.Contains(head, "\r\n\r\n") {
			return // not a head as fastConn.readHead finds one
		}
		var got http.Request
		var u url.URL
		if !parseRequestHead(head, &got, &u, make([]string, 16)) {
			return
		}
		want, err := http.ReadRequest(bufio.NewReader(strings.NewReader(head + "\r\n")))
		if err != nil {
			t.Fatalf("parseRequestHead accepted %q, http.ReadRequest: %v", head, err)
		}
		if hostLines(head) != 1 || !httpguts.ValidHostHeader(want.Host) {
			t.Fatalf("parseRequestHead accepted %q, net/http's server answers 400 for its Host %q", head, want.Host)
		}
		for k, vv := range want.Header {
			if !httpguts.ValidHeaderFieldName(k) || slices.ContainsFunc(vv, func(v string) bool { return !httpguts.ValidHeaderFieldValue(v) }) {
				t.Fatalf("parseRequestHead accepted %q, net/http's server answers 400 for field %q", head, k)
			}
		}
		if got.Method != want.Method || *got.URL != *want.URL || got.RequestURI != want.RequestURI ||
			got.Host != want.Host || got.Proto != want.Proto || got.ContentLength != want.ContentLength ||
			got.Close != want.Close || !maps.EqualFunc(got.Header, want.Header, slices.Equal) {
			t.Fatalf("%q:\nparseRequestHead %s %#v %q %q cl %d close %v %v\nhttp.ReadRequest %s %#v %q %q cl %d close %v %v", head,
				got.Method, *got.URL, got.RequestURI, got.Host, got.ContentLength, got.Close, got.Header,
				want.Method, *want.URL, want.RequestURI, want.Host, want.ContentLength, want.Close, want.Header)
		}
	})
}

// hostLines counts the head's Host fields (http.ReadRequest keeps one).
func hostLines(head string) int {
	n := 0
	for _, line := range strings.Split(head, "\r\n")[1:] {
		if k, _, ok := strings.Cut(line, ":"); ok && strings.EqualFold(k, "host") {
			n++
		}
	}
	return n
}
