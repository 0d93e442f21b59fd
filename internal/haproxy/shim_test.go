package haproxy

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stickylab/stickylab/fakecdn"
	"github.com/stickylab/stickylab/fakecdn/policy"
)

// member is a test backend: it answers with its name in X-Served-By, and
// its /healthz fails while sick is set.
type member struct {
	name string
	sick atomic.Bool
	srv  *httptest.Server
}

func newMember(t *testing.T, name string) *member {
	m := &member{name: name}
	m.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" && m.sick.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("X-Served-By", "dc-east/"+name)
	}))
	t.Cleanup(m.srv.Close)
	return m
}

// lb is an haproxy in front of members, its client address and its shim.
type lb struct {
	proc  *Process
	addr  string
	admin *httptest.Server
}

func startLB(t *testing.T, members ...*member) *lb {
	bin := requireHAProxy(t)
	cfg := fakecdn.Config{Role: "dc", Name: "dc-east", Tier: policy.Tier{Selection: policy.RoundRobin, Persistence: policy.PersistCookie,
		Cookie: fakecdn.CookieConfig{Name: "lbs", Codec: policy.CodecPlain}},
		Health:  fakecdn.HealthConfig{Path: "/healthz", Interval: fakecdn.Duration(100 * time.Millisecond), Timeout: fakecdn.Duration(2 * time.Second), Rise: 1, Fall: 1},
		Members: nil}
	for _, m := range members {
		cfg.Members = append(cfg.Members, fakecdn.MemberConfig{Name: m.name, URL: m.srv.URL})
	}
	cfg = cfg.WithDefaults()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f, err := ln.(*net.TCPListener).File()
	ln.Close()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close() // haproxy has its own copy
	p, err := Start(t.Context(), Spec{Bin: bin, Dir: t.TempDir(), Config: cfg, Listener: f})
	if p != nil {
		t.Cleanup(p.Stop)
	}
	if err != nil {
		t.Fatal(err)
	}
	h, err := NewShim(cfg, p.Runtime)
	if err != nil {
		t.Fatal(err)
	}
	admin := httptest.NewServer(h)
	t.Cleanup(admin.Close)
	l := &lb{proc: p, addr: ln.Addr().String(), admin: admin}
	l.eventually(t, "every member healthy", func(st fakecdn.State) bool {
		for _, m := range st.Members {
			if !m.Healthy {
				return false
			}
		}
		return true
	})
	return l
}

// call sends a JSON admin request and returns the status and the body.
func (l *lb) call(t *testing.T, method, path, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, l.admin.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (l *lb) state(t *testing.T) fakecdn.State {
	t.Helper()
	code, body := l.call(t, http.MethodGet, "/state", "")
	var st fakecdn.State
	if err := json.Unmarshal([]byte(body), &st); code != 200 || err != nil {
		t.Fatalf("GET /state = %d %s (%v)", code, body, err)
	}
	return st
}

// eventually polls /state until ok holds: health checks take their time.
func (l *lb) eventually(t *testing.T, what string, ok func(fakecdn.State) bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second) // a hang guard
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		st := l.state(t)
		if ok(st) {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("never %s: last state %+v", what, st.Members)
		case <-tick.C:
		}
	}
}

// get sends one request through haproxy, with cookie when not "", and
// returns who served it and the Set-Cookie header.
func (l *lb) get(t *testing.T, cookie string) (servedBy, setCookie string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, "http://"+l.addr+"/", nil)
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.Header.Get("X-Served-By"), resp.Header.Get("Set-Cookie")
}

func TestHAProxyPinsWithItsInsertedCookie(t *testing.T) {
	l := startLB(t, newMember(t, "dc-east-1"), newMember(t, "dc-east-2"))
	by, set := l.get(t, "")
	if !strings.HasPrefix(set, "lbs=dc-east-") || !strings.Contains(set, "HttpOnly") {
		t.Fatalf("Set-Cookie %q, want lbs=<server name>; HttpOnly", set)
	}
	pin := strings.SplitN(set, ";", 2)[0]
	for range 4 {
		if again, _ := l.get(t, pin); again != by {
			t.Fatalf("with %s served by %s, first by %s", pin, again, by)
		}
	}
	if st := l.state(t); st.Members[0].Requests+st.Members[1].Requests != 5 {
		t.Errorf("requests %d + %d, want 5", st.Members[0].Requests, st.Members[1].Requests)
	}
}

func TestShimSetsMemberStateAndWeightThroughTheRuntimeAPI(t *testing.T) {
	l := startLB(t, newMember(t, "dc-east-1"), newMember(t, "dc-east-2"))
	if code, body := l.call(t, http.MethodPatch, "/members/dc-east-1", `{"state":"down","weight":2.5}`); code != 200 {
		t.Fatalf("PATCH member = %d %s", code, body)
	}
	m := l.state(t).Members[0]
	if m.State != "down" || m.Weight != 2.5 {
		t.Fatalf("dc-east-1 after PATCH: state %s weight %g, want down 2.5", m.State, m.Weight)
	}
	for range 3 {
		if by, set := l.get(t, "lbs=dc-east-1"); by != "dc-east/dc-east-2" || !strings.HasPrefix(set, "lbs=dc-east-2") {
			t.Fatalf("pinned to a member in maintenance: served by %s, Set-Cookie %q; want dc-east-2, re-pinned", by, set)
		}
	}
	if code, body := l.call(t, http.MethodPatch, "/members/dc-east-1", `{"state":"up","weight":1,"delay":"0s"}`); code != 200 {
		t.Fatalf("PATCH member back = %d %s", code, body)
	}
	l.eventually(t, "dc-east-1 up and healthy again", func(st fakecdn.State) bool {
		return st.Members[0].State == "up" && st.Members[0].Healthy && st.Members[0].Weight == 1
	})
}

func TestShimReportsAFailingHealthCheck(t *testing.T) {
	sick := newMember(t, "dc-east-2")
	l := startLB(t, newMember(t, "dc-east-1"), sick)
	sick.sick.Store(true)
	l.eventually(t, "dc-east-2 unhealthy", func(st fakecdn.State) bool {
		return !st.Members[1].Healthy && st.Members[1].State == "up"
	})
}

func TestShimRefusesWhatHAProxyCannotDoAtRunTimeNamingTheField(t *testing.T) {
	l := startLB(t, newMember(t, "dc-east-1"))
	for _, c := range []struct{ method, path, body, field string }{
		{http.MethodPatch, "/config", `{"persistence":"none"}`, "persistence"},
		{http.MethodPatch, "/config", `{"cookie":{"codec":"f5-encrypted"}}`, "cookie.codec"},
		{http.MethodPatch, "/config", `{"sticky":true}`, "sticky"},
		{http.MethodPatch, "/members/dc-east-1", `{"delay":"150ms"}`, "delay"},
		{http.MethodPatch, "/members/dc-east-1", `{"state":"gone"}`, "state"},
		{http.MethodPost, "/rotate-key", ``, "cookie.codec"},
	} {
		code, body := l.call(t, c.method, c.path, c.body)
		if code != http.StatusBadRequest || !strings.Contains(body, `"field":"`+c.field+`"`) {
			t.Errorf("%s %s %s = %d %s, want 400 naming %s", c.method, c.path, c.body, code, body, c.field)
		}
	}
	if code, body := l.call(t, http.MethodPatch, "/members/dc-east-9", `{"state":"up"}`); code != http.StatusNotFound {
		t.Errorf("unknown member = %d %s, want 404", code, body)
	}
	same := `{"selection":"round-robin","persistence":"cookie","undecodable":"reissue","on_member_down":"failover",` +
		`"passthrough_single":false,"decision_headers":true,"cookie":{"name":"lbs","codec":"plain","ttl":"0s","nocache":false,"httponly":true,"max_idle":"0s","max_life":"0s"}}`
	if code, body := l.call(t, http.MethodPatch, "/config", same); code != 200 {
		t.Errorf("PATCH /config restating the policy = %d %s, want 200 (the lab's reset does it)", code, body)
	}
	if code, body := l.call(t, http.MethodPost, "/reset-key", ``); code != 200 || !strings.Contains(body, `"key_generation":0`) {
		t.Errorf("POST /reset-key = %d %s, want 200 at generation 0", code, body)
	}
}

func TestShimHealthzFollowsHAProxy(t *testing.T) {
	l := startLB(t, newMember(t, "dc-east-1"))
	if code, _ := l.call(t, http.MethodGet, "/healthz", ""); code != 200 {
		t.Fatalf("GET /healthz = %d while haproxy runs", code)
	}
	l.proc.Stop()
	if code, _ := l.call(t, http.MethodGet, "/healthz", ""); code != http.StatusServiceUnavailable {
		t.Fatalf("GET /healthz = %d after haproxy stopped, want 503", code)
	}
}
