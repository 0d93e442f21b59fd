package fakecdn

import (
	"bufio"
	"context"
	"io"
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

// The response body streams: the client reads the member's first chunk
// while the member is still answering, and when the client goes away the
// proxy drops the member's connection instead of draining an endless body.
func TestFastPathStreamsAndStopsWithTheClient(t *testing.T) {
	memberSawClose := make(chan struct{})
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "first\n")
		w.(http.Flusher).Flush()
		<-r.Context().Done() // the proxy closed the member's connection
		close(memberSawClose)
	}))
	t.Cleanup(origin.Close)
	lb := newTestLB(t, Config{Role: "dc", Name: "dc-east", Members: []MemberConfig{{Name: "a", URL: origin.URL, Weight: 1}}})
	front := httptest.NewServer(lb)
	t.Cleanup(front.Close)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, front.URL+"/stream", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	line, err := bufio.NewReader(resp.Body).ReadString('\n')
	if err != nil || line != "first\n" {
		t.Fatalf("first chunk: %q, %v", line, err)
	}
	cancel()
	<-memberSawClose
}
