package fakecdn

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stickylab/stickylab/internal/cputime"
)

// BenchmarkProxyPersisted: a request carrying a valid f5-encrypted cookie
// through a dc LB to an httptest backend.
func BenchmarkProxyPersisted(b *testing.B) {
	x, y := newBackend(b, "dc-east-1"), newBackend(b, "dc-east-2")
	benchPersisted(b, newTestLB(b, dcConfig(x, y)))
}

// BenchmarkProxyTransport is the A/B of the proxy hop: the same persisted
// request through net/http's Transport and through the calling-goroutine
// transport, side by side in one run.
func BenchmarkProxyTransport(b *testing.B) {
	x, y := newBackend(b, "dc-east-1"), newBackend(b, "dc-east-2")
	b.Run("net-http", func(b *testing.B) {
		std := NewTransport()
		b.Cleanup(std.CloseIdleConnections)
		benchPersisted(b, newTestLB(b, dcConfig(x, y), WithTransport(std)))
	})
	b.Run("calling-goroutine", func(b *testing.B) {
		benchPersisted(b, newTestLB(b, dcConfig(x, y)))
	})
}

func benchPersisted(b *testing.B, lb *LB) {
	pin := cookieValue(setCookie(do(b, lb, nil), "lbs"))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cputime.Process()
	defer func() { b.ReportMetric(float64(cputime.Process()-cpu0)/float64(b.N), "cpu-ns/op") }()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r := httptest.NewRequest(http.MethodGet, "http://portal.example/login", nil)
			r.RemoteAddr = "192.0.2.7:5555"
			r.AddCookie(&http.Cookie{Name: "lbs", Value: pin})
			w := httptest.NewRecorder()
			lb.ServeHTTP(w, r)
			if w.Code != 200 || w.Header().Get(HeaderLB) == "" {
				b.Fatalf("status %d", w.Code)
			}
			_, _ = io.Copy(io.Discard, w.Body)
		}
	})
}
