package fakeappcmd

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/fakeapp"
)

// TestServeAnswersAndShutsDown serves on 127.0.0.1:0, checks both
// listeners, then cancels as SIGTERM would and expects a clean stop.
func TestServeAnswersAndShutsDown(t *testing.T) {
	app, err := fakeapp.New(fakeapp.Config{Datacenter: "dc-east"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addrs := make(chan [2]net.Addr, 1)
	done := make(chan error, 1)
	opts := options{Addr: "127.0.0.1:0", AdminAddr: "127.0.0.1:0"}
	go func() {
		done <- serve(ctx, app, opts, log.New(io.Discard, "", 0), func(p, a net.Addr) { addrs <- [2]net.Addr{p, a} })
	}()
	var portal, admin net.Addr
	select {
	case a := <-addrs:
		portal, admin = a[0], a[1]
	case err := <-done:
		t.Fatalf("serve: %v", err)
	}

	client := &http.Client{
		Timeout:       5 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	get := func(url string) *http.Response {
		t.Helper()
		resp, err := client.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if r := get("http://" + portal.String() + "/login"); r.StatusCode != 200 || r.Header.Get("X-Served-By") != "dc-east/dc-east-1" {
		t.Errorf("GET /login = %d, X-Served-By %q", r.StatusCode, r.Header.Get("X-Served-By"))
	}
	if r := get("http://" + admin.String() + "/admin/sessions"); r.StatusCode != 200 {
		t.Errorf("GET /admin/sessions = %d", r.StatusCode)
	}
	big := strings.NewReader("x=" + strings.Repeat("a", 70<<10))
	resp, err := client.Post("http://"+portal.String()+"/login", "application/x-www-form-urlencoded", big)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("70 KiB POST = %d, want 413", resp.StatusCode)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve after cancel: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop after cancel")
	}
}

func TestServeReportsABusyPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	app, _ := fakeapp.New(fakeapp.Config{Datacenter: "dc"})
	err = serve(context.Background(), app, options{Addr: ln.Addr().String(), AdminAddr: "127.0.0.1:0"}, log.New(io.Discard, "", 0), nil)
	if err == nil || !strings.Contains(err.Error(), "listen "+ln.Addr().String()) {
		t.Fatalf("serve on a busy port: %v", err)
	}
}
