// A/B of the fakecdn proxy hop: net/http's Transport, fasthttp's Client
// behind a RoundTripper adapter (body buffered: fasthttp's best case), and
// fakecdn's default calling-goroutine transport. A module of its own, so
// that fasthttp is no dependency of stickylab: cd scripts/fasthttp-ab &&
// go test -run '^$' -bench . -benchmem
package fasthttpab

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stickylab/stickylab/fakecdn"
	"github.com/valyala/fasthttp"
)

type fastRT struct{ c *fasthttp.Client }

func (f *fastRT) RoundTrip(r *http.Request) (*http.Response, error) {
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI(r.URL.String())
	req.Header.SetMethod(r.Method)
	for k, vs := range r.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	req.UseHostHeader = true
	req.Header.SetHost(r.Host)
	if r.Body != nil && r.Body != http.NoBody {
		req.SetBodyStream(r.Body, int(r.ContentLength))
	}
	if err := f.c.DoRedirects(req, resp, 0); err != nil {
		return nil, err
	}
	body := append([]byte(nil), resp.Body()...)
	out := &http.Response{StatusCode: resp.StatusCode(), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: make(http.Header), Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: r}
	for k, v := range resp.Header.All() {
		out.Header.Add(string(k), string(v))
	}
	return out, nil
}

func backend(b *testing.B, name string) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Served-By", name)
		w.Header().Set("Server-Timing", "app;dur=0.05")
		_, _ = io.WriteString(w, name)
	}))
	b.Cleanup(s.Close)
	return s
}

func BenchmarkTransports(b *testing.B) {
	x, y := backend(b, "dc-east-1"), backend(b, "dc-east-2")
	cfg := fakecdn.Config{Role: "dc", Name: "dc-east", Seed: 1, Selection: "round-robin", Persistence: "cookie",
		Cookie:  fakecdn.CookieConfig{Name: "lbs", Codec: "f5-encrypted"},
		Members: []fakecdn.MemberConfig{{Name: "dc-east-1", URL: x.URL, Weight: 1}, {Name: "dc-east-2", URL: y.URL, Weight: 1}}}
	for _, c := range []struct {
		name string
		opts []fakecdn.Option
	}{
		{"net-http", []fakecdn.Option{fakecdn.WithTransport(fakecdn.NewTransport())}},
		{"fasthttp", []fakecdn.Option{fakecdn.WithTransport(&fastRT{c: &fasthttp.Client{MaxConnsPerHost: 256, DisablePathNormalizing: true, NoDefaultUserAgentHeader: true}})}},
		{"calling-goroutine", nil},
	} {
		b.Run(c.name, func(b *testing.B) {
			lb, err := fakecdn.New(cfg, c.opts...)
			if err != nil {
				b.Fatal(err)
			}
			defer lb.Close()
			w := httptest.NewRecorder()
			lb.ServeHTTP(w, httptest.NewRequest("GET", "http://portal.example/login", nil))
			pin := strings.TrimPrefix(strings.Split(w.Header().Get("Set-Cookie"), ";")[0], "lbs=")
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := cpuTime()
			defer func() { b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op") }()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					r := httptest.NewRequest(http.MethodGet, "http://portal.example/login", nil)
					r.RemoteAddr = "192.0.2.7:5555"
					r.AddCookie(&http.Cookie{Name: "lbs", Value: pin})
					w := httptest.NewRecorder()
					lb.ServeHTTP(w, r)
					if w.Code != 200 || w.Header().Get("X-Stickylab-LB") == "" {
						b.Fatalf("status %d %s", w.Code, w.Body)
					}
				}
			})
		})
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
