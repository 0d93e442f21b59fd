package fakecdn

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// backend is an httptest app instance on 127.0.0.1 whose health can be flipped.
type backend struct {
	name string
	srv  *httptest.Server
	sick atomic.Bool
	hits atomic.Int64
	last atomic.Pointer[http.Request]
}

func newBackend(t testing.TB, name string) *backend {
	t.Helper()
	b := &backend{name: name}
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" {
			if b.sick.Load() {
				w.WriteHeader(http.StatusInternalServerError)
			}
			return
		}
		b.hits.Add(1)
		b.last.Store(r.Clone(r.Context()))
		w.Header().Set("X-Served-By", name)
		w.Header().Set("Server-Timing", "app;dur=0.05")
		_, _ = io.WriteString(w, name)
	}))
	t.Cleanup(b.srv.Close)
	return b
}

func members(bs ...*backend) []MemberConfig {
	out := make([]MemberConfig, len(bs))
	for i, b := range bs {
		out[i] = MemberConfig{Name: b.name, URL: b.srv.URL, Weight: 1}
	}
	return out
}

func newTestLB(t testing.TB, cfg Config, opts ...Option) *LB {
	t.Helper()
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	lb, err := New(cfg, opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { lb.Close() })
	return lb
}

// do sends one request through h with the given cookies and headers.
func do(t testing.TB, h http.Handler, cookies map[string]string, header ...string) *http.Response {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, "http://portal.example/login", nil)
	r.RemoteAddr = "192.0.2.7:5555"
	for k, v := range cookies {
		r.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Result()
}

func served(resp *http.Response) string {
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// setCookie returns the raw Set-Cookie header for name, or "".
func setCookie(resp *http.Response, name string) string {
	for _, v := range resp.Header.Values("Set-Cookie") {
		if strings.HasPrefix(v, name+"=") {
			return v
		}
	}
	return ""
}

func cookieValue(raw string) string {
	v, _, _ := strings.Cut(raw, ";")
	_, v, _ = strings.Cut(v, "=")
	return v
}

func reasonOf(resp *http.Response) string {
	h := resp.Header.Get(HeaderLB)
	if h == "" {
		h = resp.Header.Get(HeaderEdge)
	}
	_, r, _ := strings.Cut(h, "reason=")
	return r
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t testing.TB, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %s: %s", within, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
