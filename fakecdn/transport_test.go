package fakecdn

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A member that closes its idle keep-alive connections (a restart, an idle
// timeout) must not turn the next requests into 502s: a GET goes again on a
// fresh connection, and a POST never takes a connection the member closed.
func TestFastPathSurvivesAMemberClosingIdleConnections(t *testing.T) {
	b := newBackend(t, "dc-east-1")
	lb := newTestLB(t, Config{Role: "dc", Name: "dc-east", Members: members(b)})
	for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodGet} {
		if resp := do(t, lb, nil); resp.StatusCode != http.StatusOK {
			t.Fatalf("warm-up: status %d", resp.StatusCode)
		}
		b.srv.CloseClientConnections()
		r := httptest.NewRequest(method, "http://portal.example/login", strings.NewReader(""))
		w := httptest.NewRecorder()
		lb.ServeHTTP(w, r)
		if w.Code != http.StatusOK || w.Body.String() != "dc-east-1" {
			t.Fatalf("%s after the member closed its connections: status %d, body %q", method, w.Code, w.Body.String())
		}
	}
}
