// Package guardtest sends the requests a web page could send to a local
// control surface, for the table tests every surface has (issue 17's rule in
// docs/ARCHITECTURE.md): each surface keeps its own cases and its own check
// that nothing changed; this is the request and its status.
package guardtest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Request is one case's request. Host, when set, replaces the server's
// address in the Host header (a rebinding page's name); header values that
// are empty are not sent.
type Request struct {
	Method, Path, Body, Host string
	Header                   map[string]string
}

// Status serves h on a loopback test server, sends r to it and returns the
// status code.
func Status(t testing.TB, h http.Handler, r Request) int {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	req, err := http.NewRequestWithContext(t.Context(), r.Method, srv.URL+r.Path, strings.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range r.Header {
		if v != "" {
			req.Header.Set(k, v)
		}
	}
	if r.Host != "" {
		req.Host = r.Host
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
