package fakecdn

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// fastServerFor serves lb with a FastServer on 127.0.0.1 until the test
// ends, or the test ends it first.
func fastServerFor(t *testing.T, lb *LB) (*FastServer, string) {
	t.Helper()
	return startFast(t, lb, nil, &http.Server{ReadHeaderTimeout: 10 * time.Second})
}

func TestFastServerServesPlainRequestsItself(t *testing.T) {
	a := newBackend(t, "dc-east-1")
	fs, addr := fastServerFor(t, newTestLB(t, dcConfig(a)))
	t.Cleanup(func() { fs.Close() })
	client := &http.Client{Transport: &http.Transport{}}
	t.Cleanup(client.CloseIdleConnections)
	for _, body := range []string{"", "user=ann"} {
		resp, err := client.Post("http://"+addr+"/login", "application/x-www-form-urlencoded", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		got := served(resp)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || got != "dc-east-1" {
			t.Fatalf("status %d, served by %q", resp.StatusCode, got)
		}
	}
	if n := fs.handed.Load(); n != 0 {
		t.Fatalf("%d connections handed to net/http, want none", n)
	}
	if hits := a.hits.Load(); hits != 2 {
		t.Fatalf("the member saw %d requests, want 2", hits)
	}
}

// TestFastServerShutdown: Shutdown closes idle keep-alive connections at
// once, lets the request in progress finish (its answer says Connection:
// close), then returns.
func TestFastServerShutdown(t *testing.T) {
	arrived, release := make(chan struct{}), make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			close(arrived)
			<-release
		}
		_, _ = io.WriteString(w, "done")
	}))
	t.Cleanup(slow.Close)
	fs, addr := fastServerFor(t, newTestLB(t, Config{Role: "dc", Name: "dc-east",
		Members: []MemberConfig{{Name: "m", URL: slow.URL, Weight: 1}}, Tier: policy.Tier{Selection: "round-robin"}}))
	t.Cleanup(func() { fs.Close() })

	idle := dialFast(t, addr)
	if status := roundTripRaw(t, idle, "/fast"); status != "HTTP/1.1 200 OK" {
		t.Fatalf("idle connection's first request: %q", status)
	}
	busy := dialFast(t, addr)
	if _, err := io.WriteString(busy.conn, "GET /slow HTTP/1.1\r\nHost: p\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	<-arrived

	done := make(chan error, 1)
	go func() { done <- fs.Shutdown(context.Background()) }()
	if _, err := idle.br.ReadByte(); err != io.EOF {
		t.Fatalf("idle connection after Shutdown: read %v, want EOF", err)
	}
	close(release)
	resp, err := http.ReadResponse(busy.br, nil)
	if err != nil {
		t.Fatalf("the request in progress got no answer: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(body) != "done" || !resp.Close {
		t.Fatalf("the request in progress: %d %q, Connection: close %v", resp.StatusCode, body, resp.Close)
	}
	if err := <-done; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if _, err := net.Dial("tcp", addr); err == nil {
		t.Fatal("the listener still accepts after Shutdown")
	}
}

type rawConn struct {
	conn net.Conn
	br   *bufio.Reader
}

func dialFast(t *testing.T, addr string) rawConn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return rawConn{c, bufio.NewReader(c)}
}

// roundTripRaw sends a GET for path and reads the answer; it returns the status line.
func roundTripRaw(t *testing.T, c rawConn, path string) string {
	t.Helper()
	if _, err := io.WriteString(c.conn, "GET "+path+" HTTP/1.1\r\nHost: p\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.Proto + " " + resp.Status
}
