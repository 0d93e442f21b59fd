package fakecdn

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// deadBackend is a member whose server is closed: connection refused.
func deadBackend(t *testing.T, name string) *backend {
	t.Helper()
	b := newBackend(t, name)
	b.srv.Close()
	return b
}

// plainDC is a dc LB with plain cookies (value = member name), so a test can
// pin a request to a member without ever connecting to it.
func plainDC(onMemberDown policy.MemberDown, bs ...*backend) Config {
	cfg := dcConfig(bs...)
	cfg.Cookie.Codec = "plain"
	cfg.OnMemberDown = onMemberDown
	return cfg
}

// logBuffer collects the JSON access log.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// requests returns the access-log "request" lines.
func (l *logBuffer) requests(t *testing.T) []map[string]any {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for line := range strings.Lines(l.buf.String()) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if m["msg"] == "request" {
			out = append(out, m)
		}
	}
	return out
}

func withLog() (*logBuffer, Option) {
	l := &logBuffer{}
	return l, WithLogger(slog.New(slog.NewJSONHandler(l, nil)))
}

func requestsOf(lb *LB, name string) uint64 {
	for _, m := range lb.State().Members {
		if m.Name == name {
			return m.Requests
		}
	}
	return 0
}

func TestRedispatchPinnedToDeadMember(t *testing.T) {
	for _, tc := range []struct {
		policy, reason, served string
		status                 int
		cookie                 string // the new lbs value, "" for none
		setCookie              bool
	}{
		{"failover", ReasonFailover, "dc-east-2", 200, "dc-east-2", true},
		{"temporary", ReasonTemporary, "dc-east-2", 200, "", false},
		{"strict", ReasonMemberDown, "", 503, "", false},
	} {
		t.Run(tc.policy, func(t *testing.T) {
			dead, live := deadBackend(t, "dc-east-1"), newBackend(t, "dc-east-2")
			logs, opt := withLog()
			lb := newTestLB(t, plainDC(policy.MemberDown(tc.policy), dead, live), opt)
			r := do(t, lb, map[string]string{"lbs": "dc-east-1"})
			body := served(r)
			if r.StatusCode != tc.status || reasonOf(r) != tc.reason || (setCookie(r, "lbs") != "") != tc.setCookie {
				t.Fatalf("got %d %q cookie %q body %q", r.StatusCode, reasonOf(r), setCookie(r, "lbs"), body)
			}
			if tc.setCookie && cookieValue(setCookie(r, "lbs")) != tc.cookie {
				t.Fatalf("new cookie %q, want one naming %s", setCookie(r, "lbs"), tc.cookie)
			}
			if tc.status == 200 && (body != tc.served || live.hits.Load() != 1) {
				t.Fatalf("served by %q", body)
			}
			member := tc.served
			if tc.policy == "strict" {
				member = "dc-east-1"
			}
			if h := r.Header.Get(HeaderLB); h != "lb=dc-east; member="+member+"; reason="+tc.reason {
				t.Fatalf("decision header %q", h)
			}
			if st := r.Header.Get(HeaderServerTiming); tc.status == 200 && !strings.HasSuffix(st, `;desc="dc-east-2"`) {
				t.Fatalf("Server-Timing %q", st)
			}
			if healthy(lb, "dc-east-1") {
				t.Fatal("the refusing member is still healthy")
			}
			if requestsOf(lb, "dc-east-1") != 0 || requestsOf(lb, "dc-east-2") != uint64(live.hits.Load()) {
				t.Fatalf("requests: dc-east-1 %d, dc-east-2 %d", requestsOf(lb, "dc-east-1"), requestsOf(lb, "dc-east-2"))
			}
			if n := lb.metrics.reasons[reasonIndex[tc.reason]].Load(); n != 1 || lb.metrics.reasons[reasonIndex[ReasonPersisted]].Load() != 0 {
				t.Fatalf("reason metrics: %s=%d", tc.reason, n)
			}
			lines := logs.requests(t)
			if len(lines) != 1 {
				t.Fatalf("%d access-log lines, want 1", len(lines))
			}
			l := lines[0]
			letters := "DN" // HAProxy: a cookie for a DOWN server; none inserted
			if tc.setCookie {
				letters = "DI"
			}
			if l["cookie"] != letters || l["member"] != member || l["reason"] != tc.reason ||
				l["status"] != float64(tc.status) || l["set_cookie"] != tc.setCookie {
				t.Fatalf("access log %v", l)
			}
		})
	}
}

func TestRedispatchReplaysBody(t *testing.T) {
	var got atomic.Pointer[string]
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s := string(b)
		got.Store(&s)
		_, _ = io.WriteString(w, "dc-east-2")
	}))
	t.Cleanup(echo.Close)
	dead := deadBackend(t, "dc-east-1")
	lb := newTestLB(t, plainDC("failover", dead, &backend{name: "dc-east-2", srv: echo}))

	form := "__RequestVerificationToken=" + strings.Repeat("x", 4000) + "&UserName=alice&Password=wonderland"
	r := httptest.NewRequest(http.MethodPost, "http://portal.example/login", strings.NewReader(form))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.AddCookie(&http.Cookie{Name: "lbs", Value: "dc-east-1"})
	w := httptest.NewRecorder()
	lb.ServeHTTP(w, r)
	if w.Code != 200 || reasonOf(w.Result()) != ReasonFailover {
		t.Fatalf("got %d %q", w.Code, reasonOf(w.Result()))
	}
	if p := got.Load(); p == nil || *p != form {
		t.Fatalf("the other member did not get the full body (%d bytes)", len(deref(p)))
	}
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func TestRedispatchNotWithLargeBody(t *testing.T) {
	dead, live := deadBackend(t, "dc-east-1"), newBackend(t, "dc-east-2")
	lb := newTestLB(t, plainDC("failover", dead, live))
	big := strings.NewReader(strings.Repeat("x", maxReplayBody+1))
	r := httptest.NewRequest(http.MethodPost, "http://portal.example/upload", io.MultiReader(big)) // length unknown
	r.AddCookie(&http.Cookie{Name: "lbs", Value: "dc-east-1"})
	w := httptest.NewRecorder()
	lb.ServeHTTP(w, r)
	if w.Code != http.StatusBadGateway || live.hits.Load() != 0 || healthy(lb, "dc-east-1") {
		t.Fatalf("got %d, live hits %d, dead healthy %v; want 502, no retry, unhealthy", w.Code, live.hits.Load(), healthy(lb, "dc-east-1"))
	}
	// the next request is decided without the dead member
	if r := do(t, lb, map[string]string{"lbs": "dc-east-1"}); served(r) != "dc-east-2" || reasonOf(r) != ReasonFailover {
		t.Fatalf("next request: %q", reasonOf(r))
	}
}

func TestRedispatchUnpinned(t *testing.T) {
	for _, persistence := range []policy.Persistence{"none", "cookie"} {
		t.Run(string(persistence), func(t *testing.T) {
			dead, live := deadBackend(t, "dc-east-1"), newBackend(t, "dc-east-2")
			cfg := plainDC("failover", dead, live) // round-robin picks dc-east-1 first
			cfg.Persistence = persistence
			lb := newTestLB(t, cfg)
			r := do(t, lb, nil)
			if served(r) != "dc-east-2" || reasonOf(r) != ReasonNew {
				t.Fatalf("got %d %q", r.StatusCode, reasonOf(r))
			}
			if c := cookieValue(setCookie(r, "lbs")); (persistence == "cookie") != (c == "dc-east-2") {
				t.Fatalf("cookie %q with persistence %s", setCookie(r, "lbs"), persistence)
			}
			if healthy(lb, "dc-east-1") {
				t.Fatal("the refusing member is still healthy")
			}
		})
	}
}

// countingTransport counts round trips.
type countingTransport struct {
	n    atomic.Int64
	next http.RoundTripper
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}

func TestRedispatchAllDead(t *testing.T) {
	rt := &countingTransport{next: NewTransport()}
	bs := []*backend{deadBackend(t, "dc-east-1"), deadBackend(t, "dc-east-2"), deadBackend(t, "dc-east-3")}
	for _, tc := range []struct{ cookie, policy, reason, member string }{
		{"", "failover", ReasonNoMember, ""},
		{"dc-east-2", "failover", ReasonNoMember, ""},
		{"dc-east-2", "strict", ReasonMemberDown, "dc-east-2"},
	} {
		lb := newTestLB(t, plainDC(policy.MemberDown(tc.policy), bs...), WithTransport(rt))
		rt.n.Store(0)
		var cookies map[string]string
		if tc.cookie != "" {
			cookies = map[string]string{"lbs": tc.cookie}
		}
		r := do(t, lb, cookies)
		want := "lb=dc-east; member=" + tc.member + "; reason=" + tc.reason
		if r.StatusCode != 503 || r.Header.Get(HeaderLB) != want {
			t.Fatalf("%s %s: got %d %q, want 503 %q", tc.cookie, tc.policy, r.StatusCode, r.Header.Get(HeaderLB), want)
		}
		tries := int64(3)
		if tc.policy == "strict" {
			tries = 1
		}
		if rt.n.Load() != tries {
			t.Fatalf("%s %s: %d round trips, want %d", tc.cookie, tc.policy, rt.n.Load(), tries)
		}
		for _, b := range bs {
			if tc.policy != "strict" && healthy(lb, b.name) {
				t.Fatalf("%s still healthy", b.name)
			}
		}
	}
}

func TestRedispatchDelayOfMemberUsed(t *testing.T) {
	dead, live := deadBackend(t, "dc-east-1"), newBackend(t, "dc-east-2")
	lb := newTestLB(t, plainDC("failover", dead, live))
	_ = lb.SetMember("dc-east-2", MemberPatch{Delay: ptr(Duration(30 * time.Millisecond))})
	start := time.Now()
	r := do(t, lb, map[string]string{"lbs": "dc-east-1"})
	if served(r) != "dc-east-2" || time.Since(start) < 30*time.Millisecond {
		t.Fatalf("served by %s after %s; want dc-east-2 after its 30ms delay", served(r), time.Since(start))
	}
}

// edge → dc LB → app, as in the lab: the dc-east LB's server stops, users
// pinned to dc-east are failed over by the edge to dc-west.
func TestRedispatchChainedEdgeFailsOver(t *testing.T) {
	dc := func(name string) (*LB, *httptest.Server) {
		a, b := newBackend(t, name+"-1"), newBackend(t, name+"-2")
		cfg := dcConfig(a, b)
		cfg.Name = name
		lb := newTestLB(t, cfg)
		srv := httptest.NewServer(lb)
		t.Cleanup(srv.Close)
		return lb, srv
	}
	_, eastSrv := dc("dc-east")
	_, westSrv := dc("dc-west")
	edge := newTestLB(t, Config{Role: "edge", Members: []MemberConfig{
		{Name: "dc-east", URL: eastSrv.URL, Weight: 1}, {Name: "dc-west", URL: westSrv.URL, Weight: 1},
	}, Tier: policy.Tier{Persistence: "cookie", Cookie: CookieConfig{Codec: "plain"}}})
	first := do(t, edge, map[string]string{"cdn_dc": "dc-east"})
	lbs := cookieValue(setCookie(first, "lbs"))
	if first.Header.Get(HeaderEdge) != "dc=dc-east; reason=persisted" || lbs == "" {
		t.Fatalf("before: %q lbs %q", first.Header.Get(HeaderEdge), lbs)
	}

	eastSrv.Close() // the datacenter's LB is gone: connection refused
	r := do(t, edge, map[string]string{"cdn_dc": "dc-east", "lbs": lbs})
	if r.StatusCode != 200 || r.Header.Get(HeaderEdge) != "dc=dc-west; reason=failover" {
		t.Fatalf("after: %d %q", r.StatusCode, r.Header.Get(HeaderEdge))
	}
	if c := cookieValue(setCookie(r, "cdn_dc")); c != "dc-west" {
		t.Fatalf("edge re-pin %q", setCookie(r, "cdn_dc"))
	}
	// dc-west cannot read dc-east's lbs cookie: it re-issues its own
	if h := r.Header.Get(HeaderLB); !strings.HasPrefix(h, "lb=dc-west; member=dc-west-") || !strings.HasSuffix(h, "reason=undecodable") {
		t.Fatalf("dc-west decision %q", h)
	}
	if st := r.Header.Get(HeaderServerTiming); !strings.Contains(st, `;desc="dc-west-`) || !strings.HasSuffix(st, `;desc="dc-west"`) {
		t.Fatalf("Server-Timing %q", st)
	}
	if healthy(edge, "dc-east") || !strings.HasPrefix(served(r), "dc-west-") {
		t.Fatal("dc-east still healthy at the edge, or not served by dc-west")
	}
}

func TestNotSent(t *testing.T) {
	live := httptest.NewRequest(http.MethodGet, "http://x/", nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	gone := live.WithContext(ctx)
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}
	noHost := &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "dc-east-lb", IsNotFound: true}}
	for _, tc := range []struct {
		req  *http.Request
		err  error
		want bool
	}{
		{live, refused, true},
		{live, noHost, true},
		{live, &net.DNSError{Err: "server misbehaving", Name: "dc-east-lb"}, true},
		{live, &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}, false},
		{live, &net.OpError{Op: "write", Net: "tcp", Err: errors.New("broken pipe")}, false},
		{live, io.EOF, false},
		{live, errors.New("http: server closed idle connection"), false},
		{gone, refused, false},
	} {
		if got := notSent(tc.req, tc.err); got != tc.want {
			t.Errorf("notSent(%v, ctx err %v) = %v, want %v", tc.err, tc.req.Context().Err(), got, tc.want)
		}
	}
}
