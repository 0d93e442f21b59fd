package fakecdn

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

func dcConfig(bs ...*backend) Config {
	return Config{Role: "dc", Name: "dc-east", Members: members(bs...), Tier: policy.Tier{Selection: "round-robin", Persistence: "cookie", Cookie: CookieConfig{Name: "lbs", Codec: "f5-encrypted"}}}
}

func TestCookiePersistenceNewThenPersisted(t *testing.T) {
	a, b := newBackend(t, "dc-east-1"), newBackend(t, "dc-east-2")
	lb := newTestLB(t, dcConfig(a, b))
	first := do(t, lb, nil)
	raw := setCookie(first, "lbs")
	if reasonOf(first) != ReasonNew || raw == "" {
		t.Fatalf("first: reason %q cookie %q", reasonOf(first), raw)
	}
	if !strings.HasPrefix(cookieValue(raw), "!") || !strings.HasSuffix(raw, "; Path=/; Version=1; HttpOnly") {
		t.Fatalf("cookie shape: %q", raw)
	}
	who := served(first)
	for range 5 {
		r := do(t, lb, map[string]string{"lbs": cookieValue(raw)})
		if got := served(r); got != who || reasonOf(r) != ReasonPersisted || setCookie(r, "lbs") != "" {
			t.Fatalf("persisted request went to %s (reason %s), want %s", got, reasonOf(r), who)
		}
	}
	if h := first.Header.Get(HeaderLB); h != "lb=dc-east; member="+who+"; reason=new" {
		t.Fatalf("header %q", h)
	}
}

func TestCookieSecureAndTTL(t *testing.T) {
	a, b := newBackend(t, "dc-east-1"), newBackend(t, "dc-east-2")
	cfg := dcConfig(a, b)
	cfg.Cookie.TTL = Duration(3600e9)
	lb := newTestLB(t, cfg)
	raw := setCookie(do(t, lb, nil, "X-Forwarded-Proto", "https"), "lbs")
	for _, want := range []string{"; Path=/", "; Max-Age=3600", "; Expires=", "; Version=1", "; Secure", "; HttpOnly"} {
		if !strings.Contains(raw, want) {
			t.Errorf("cookie %q lacks %q", raw, want)
		}
	}
}

func TestUndecodableReissueAndReject(t *testing.T) {
	a, b := newBackend(t, "dc-east-1"), newBackend(t, "dc-east-2")
	west := newTestLB(t, func() Config { c := dcConfig(a, b); c.Name = "dc-west"; return c }())
	foreign := cookieValue(setCookie(do(t, west, nil), "lbs"))

	lb := newTestLB(t, dcConfig(a, b))
	r := do(t, lb, map[string]string{"lbs": foreign})
	if r.StatusCode != 200 || reasonOf(r) != ReasonUndecodable || setCookie(r, "lbs") == "" {
		t.Fatalf("reissue: %d %q %q", r.StatusCode, reasonOf(r), setCookie(r, "lbs"))
	}
	if err := lb.Configure(ConfigPatch{Undecodable: ptr(policy.Reject)}); err != nil {
		t.Fatal(err)
	}
	r = do(t, lb, map[string]string{"lbs": foreign})
	if r.StatusCode != http.StatusServiceUnavailable || reasonOf(r) != ReasonRejected {
		t.Fatalf("reject: %d %q", r.StatusCode, reasonOf(r))
	}
}

func TestPinnedMemberDownPolicies(t *testing.T) {
	for _, tc := range []struct {
		policy, reason string
		status         int
		newCookie      bool
	}{
		{"failover", ReasonFailover, 200, true},
		{"temporary", ReasonTemporary, 200, false},
		{"strict", ReasonMemberDown, 503, false},
	} {
		t.Run(tc.policy, func(t *testing.T) {
			a, b := newBackend(t, "dc-east-1"), newBackend(t, "dc-east-2")
			cfg := dcConfig(a, b)
			cfg.OnMemberDown = policy.MemberDown(tc.policy)
			lb := newTestLB(t, cfg)
			first := do(t, lb, nil)
			pinned, pin := served(first), cookieValue(setCookie(first, "lbs"))
			if err := lb.SetMember(pinned, MemberPatch{State: ptr(StateDown)}); err != nil {
				t.Fatal(err)
			}
			r := do(t, lb, map[string]string{"lbs": pin})
			if r.StatusCode != tc.status || reasonOf(r) != tc.reason || (setCookie(r, "lbs") != "") != tc.newCookie {
				t.Fatalf("got %d %q cookie %q", r.StatusCode, reasonOf(r), setCookie(r, "lbs"))
			}
			if tc.status == 200 && served(r) == pinned {
				t.Fatal("served by the down member")
			}
			if tc.policy == "strict" && !strings.Contains(r.Header.Get(HeaderLB), "member="+pinned) {
				t.Fatalf("503 header %q", r.Header.Get(HeaderLB))
			}
			// the member comes back: the old pin (temporary, strict) or the new one (failover) holds
			_ = lb.SetMember(pinned, MemberPatch{State: ptr(StateUp)})
			if tc.policy != "failover" {
				if got := served(do(t, lb, map[string]string{"lbs": pin})); got != pinned {
					t.Fatalf("after failback served by %s, want %s", got, pinned)
				}
			}
		})
	}
}

func TestDrainingKeepsPinnedGetsNoNew(t *testing.T) {
	a, b := newBackend(t, "dc-east-1"), newBackend(t, "dc-east-2")
	lb := newTestLB(t, dcConfig(a, b))
	var pin string
	for pin == "" {
		r := do(t, lb, nil)
		if served(r) == "dc-east-1" {
			pin = cookieValue(setCookie(r, "lbs"))
		}
	}
	_ = lb.SetMember("dc-east-1", MemberPatch{State: ptr(StateDraining)})
	for range 4 {
		if got := served(do(t, lb, nil)); got != "dc-east-2" {
			t.Fatalf("new user sent to draining member")
		}
		if r := do(t, lb, map[string]string{"lbs": pin}); served(r) != "dc-east-1" || reasonOf(r) != ReasonPersisted {
			t.Fatalf("pinned user moved off draining member: %s", reasonOf(r))
		}
	}
}

func TestPassthroughSingleIgnoresCookie(t *testing.T) {
	a, b := newBackend(t, "dc-east"), newBackend(t, "dc-west")
	cfg := Config{Role: "edge", Members: members(a, b), Tier: policy.Tier{Persistence: "cookie", Cookie: CookieConfig{Codec: "plain"}}}
	lb := newTestLB(t, cfg)
	_ = lb.SetMember("dc-west", MemberPatch{State: ptr(StateDown)})
	r := do(t, lb, map[string]string{"cdn_dc": "dc-west"})
	if served(r) != "dc-east" || reasonOf(r) != ReasonPassthrough || setCookie(r, "cdn_dc") != "" {
		t.Fatalf("passthrough: %s %q %q", served(r), reasonOf(r), setCookie(r, "cdn_dc"))
	}
	if h := r.Header.Get(HeaderEdge); h != "dc=dc-east; reason=passthrough" {
		t.Fatalf("edge header %q", h)
	}
	_ = lb.SetMember("dc-west", MemberPatch{State: ptr(StateUp)})
	if r := do(t, lb, nil); reasonOf(r) != ReasonNew || setCookie(r, "cdn_dc") == "" {
		t.Fatalf("two members: %q", reasonOf(r))
	}
}

func TestNoMember503(t *testing.T) {
	a := newBackend(t, "dc-east-1")
	lb := newTestLB(t, dcConfig(a))
	_ = lb.SetMember("dc-east-1", MemberPatch{State: ptr(StateDown)})
	r := do(t, lb, nil)
	if r.StatusCode != 503 || r.Header.Get(HeaderLB) != "lb=dc-east; member=; reason=no-member" {
		t.Fatalf("%d %q", r.StatusCode, r.Header.Get(HeaderLB))
	}
}

func TestSourceIPPersistence(t *testing.T) {
	a, b := newBackend(t, "dc-east-1"), newBackend(t, "dc-east-2")
	cfg := dcConfig(a, b)
	cfg.Persistence, cfg.SelectionHeader = "source-ip", HeaderTrueClientIP
	lb := newTestLB(t, cfg)
	first := do(t, lb, nil, HeaderTrueClientIP, "203.0.113.9")
	who := served(first)
	for range 4 {
		r := do(t, lb, nil, HeaderTrueClientIP, "203.0.113.9")
		if served(r) != who || reasonOf(r) != ReasonPersisted || setCookie(r, "lbs") != "" {
			t.Fatalf("source-ip pin lost: %s %s", served(r), reasonOf(r))
		}
	}
	if err := lb.ResetKey(); err != nil {
		t.Fatal(err)
	}
	if r := do(t, lb, nil, HeaderTrueClientIP, "203.0.113.9"); reasonOf(r) == ReasonPersisted {
		t.Fatalf("the pin outlived ResetKey, which a restarted LB would not have: %s %s", served(r), reasonOf(r))
	}
}

func TestDecisionHeadersOffAndServerTimingAppended(t *testing.T) {
	a, b := newBackend(t, "dc-east-1"), newBackend(t, "dc-east-2")
	lb := newTestLB(t, dcConfig(a, b))
	r := do(t, lb, nil)
	st := r.Header.Values("Server-Timing")
	if len(st) != 1 || !strings.HasPrefix(st[0], "app;dur=0.05, lb;dur=") || !strings.HasSuffix(st[0], `;desc="`+served(r)+`"`) {
		t.Fatalf("Server-Timing %q", st)
	}
	_ = lb.Configure(ConfigPatch{DecisionHeaders: ptr(false)})
	r = do(t, lb, nil)
	if r.Header.Get(HeaderLB) != "" || r.Header.Get("Server-Timing") != "app;dur=0.05" || r.Header.Get("X-Served-By") == "" {
		t.Fatalf("realistic mode leaked: %v", r.Header)
	}
}

func TestForwardedHeaders(t *testing.T) {
	a := newBackend(t, "dc-east")
	edge := newTestLB(t, Config{Role: "edge", Members: members(a)})
	do(t, edge, nil, HeaderTrueClientIP, "6.6.6.6")
	got := a.last.Load()
	if got.Header.Get(HeaderTrueClientIP) != "192.0.2.7" || got.Header.Get("X-Forwarded-For") != "192.0.2.7" ||
		got.Header.Get("X-Forwarded-Proto") != "http" || got.Host != "portal.example" {
		t.Fatalf("edge forwarded %v host %s", got.Header, got.Host)
	}
	dc := newTestLB(t, Config{Role: "dc", Name: "dc-east", Members: members(a)})
	do(t, dc, nil, HeaderTrueClientIP, "198.51.100.1", "X-Forwarded-For", "198.51.100.1", "X-Forwarded-Proto", "https")
	got = a.last.Load()
	if got.Header.Get(HeaderTrueClientIP) != "198.51.100.1" || got.Header.Get("X-Forwarded-For") != "198.51.100.1, 192.0.2.7" ||
		got.Header.Get("X-Forwarded-Proto") != "https" {
		t.Fatalf("dc forwarded %v", got.Header)
	}
}

func TestAnEdgeThatTrustsTheClientKeepsItsTrueClientIP(t *testing.T) {
	a := newBackend(t, "dc-east")
	edge := newTestLB(t, Config{Role: "edge", Members: members(a), TrustClientIP: true})
	do(t, edge, nil, HeaderTrueClientIP, "198.51.100.4")
	if got := a.last.Load().Header.Get(HeaderTrueClientIP); got != "198.51.100.4" {
		t.Fatalf("True-Client-IP %q: the client's was not kept", got)
	}
	do(t, edge, nil)
	if got := a.last.Load().Header.Get(HeaderTrueClientIP); got != "192.0.2.7" {
		t.Fatalf("True-Client-IP %q without one from the client: want the peer", got)
	}
}

func TestMemberDelay(t *testing.T) {
	a := newBackend(t, "dc-east-1")
	lb := newTestLB(t, dcConfig(a))
	_ = lb.SetMember("dc-east-1", MemberPatch{Delay: ptr(Duration(30e6))})
	r := do(t, lb, nil)
	st := r.Header.Get("Server-Timing")
	_, dur, _ := strings.Cut(st, "lb;dur=")
	dur, _, _ = strings.Cut(dur, ";")
	if ms, err := strconv.ParseFloat(dur, 64); err != nil || ms < 30 {
		t.Fatalf("delay of 30ms not applied: %q", st)
	}
}
