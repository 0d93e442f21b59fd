package fakecdn

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// edgeOf is an edge over two datacenters with the given profile fields.
func edgeOf(t *testing.T, cfg Config) Config {
	t.Helper()
	a, b := newBackend(t, "dc-east"), newBackend(t, "dc-west")
	cfg.Role, cfg.Name, cfg.Members = "edge", "edge", members(a, b)
	return cfg
}

// Each profile emits its vendor's documented cookie names and attributes
// at the edge (docs/vendors.md).
func TestProfilesEmitTheirVendorsCookies(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		want map[string][]string // cookie -> attributes it must carry
		not  []string            // attributes it must not carry
	}{
		{"cloudflare: __cflb for 23 h", Config{Vendor: policy.Vendor{Profile: "cloudflare", SessionAffinity: "cookie"}},
			map[string][]string{"__cflb": {"Path=/", "Max-Age=82800", "Secure", "HttpOnly"}}, []string{"Version=1"}},
		{"cloudflare ip_cookie: the same cookie", Config{Vendor: policy.Vendor{Profile: "cloudflare", SessionAffinity: "ip_cookie"}},
			map[string][]string{"__cflb": {"Max-Age=82800"}}, nil},
		{"aws-alb: AWSALB for a day and AWSALBCORS for cross-site requests", Config{Tier: policy.Tier{Persistence: "cookie"}, Vendor: policy.Vendor{Profile: "aws-alb"}},
			map[string][]string{"AWSALB": {"Path=/", "Max-Age=86400"}, "AWSALBCORS": {"Max-Age=86400", "SameSite=None", "Secure"}}, nil},
		{"akamai-alb: a session cookie (ON_BROWSER_CLOSE), HttpOnly", Config{Tier: policy.Tier{Persistence: "cookie"}, Vendor: policy.Vendor{Profile: "akamai-alb"}},
			map[string][]string{"__akaalb_edge": {"Path=/", "HttpOnly"}}, []string{"Max-Age", "Expires"}},
		{"akamai-alb NEVER: a cookie that does not expire", Config{Tier: policy.Tier{Persistence: "cookie", Cookie: CookieConfig{Expiry: "NEVER"}}, Vendor: policy.Vendor{Profile: "akamai-alb"}}, map[string][]string{"__akaalb_edge": {"Max-Age=315360000"}}, nil},
		{"akamai-alb FIXED_DATE", Config{Tier: policy.Tier{Persistence: "cookie", Cookie: CookieConfig{Expiry: "FIXED_DATE", ExpiresAt: "2030-01-02T03:04:05Z"}}, Vendor: policy.Vendor{Profile: "akamai-alb"}},
			map[string][]string{"__akaalb_edge": {"Expires=Wed, 02 Jan 2030 03:04:05 GMT"}}, []string{"Max-Age"}},
		{"an explicit field overrides the profile", Config{Tier: policy.Tier{Cookie: CookieConfig{Name: "lb_pin", TTL: Duration(3600e9), HTTPOnly: ptr(false)}}, Vendor: policy.Vendor{Profile: "cloudflare", SessionAffinity: "cookie"}},
			map[string][]string{"lb_pin": {"Max-Age=3600"}}, []string{"HttpOnly"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			lb := newTestLB(t, edgeOf(t, tc.cfg))
			resp := do(t, lb, nil, "X-Forwarded-Proto", "https")
			for name, attrs := range tc.want {
				raw := setCookie(resp, name)
				if raw == "" {
					t.Fatalf("no %s cookie; Set-Cookie: %q", name, resp.Header.Values("Set-Cookie"))
				}
				for _, a := range attrs {
					if !strings.Contains(raw, "; "+a) {
						t.Errorf("%s lacks %q: %s", name, a, raw)
					}
				}
				for _, a := range tc.not {
					if strings.Contains(raw, a) {
						t.Errorf("%s carries %q: %s", name, a, raw)
					}
				}
			}
		})
	}
}

// AWS's CORS cookie carries the same value as AWSALB, and either pins.
func TestAWSALBCORSPinsLikeAWSALB(t *testing.T) {
	lb := newTestLB(t, edgeOf(t, Config{Tier: policy.Tier{Persistence: "cookie"}, Vendor: policy.Vendor{Profile: "aws-alb"}}))
	first := do(t, lb, nil, "X-Forwarded-Proto", "https")
	v, cors := cookieValue(setCookie(first, "AWSALB")), cookieValue(setCookie(first, "AWSALBCORS"))
	if v == "" || v != cors {
		t.Fatalf("AWSALB %q and AWSALBCORS %q differ", v, cors)
	}
	if r := reasonOf(do(t, lb, map[string]string{"AWSALB": v})); r != ReasonPersisted {
		t.Fatalf("AWSALB did not pin: reason %q", r)
	}
}

// Application-based stickiness: AWSALBAPP-0 only beside the app's cookie.
func TestAWSApplicationStickinessFollowsTheAppCookie(t *testing.T) {
	withApp := appWith(t, "dc-east", "Set-Cookie", "ASP.NET_SessionId=abc; Path=/")
	without := appWith(t, "dc-east", "X-Nothing", "1")
	for _, tc := range []struct {
		member MemberConfig
		want   bool
	}{{withApp, true}, {without, false}} {
		cfg := Config{Role: "edge", Name: "edge", Members: []MemberConfig{tc.member, appWith(t, "dc-west")}, Tier: policy.Tier{Persistence: "cookie", Selection: "round-robin", PassthroughSingle: ptr(false), Cookie: CookieConfig{AppCookie: "ASP.NET_SessionId"}}, Vendor: policy.Vendor{Profile: "aws-alb"}}
		resp := do(t, newTestLB(t, cfg), nil)
		if got := setCookie(resp, "AWSALBAPP-0") != ""; got != tc.want {
			t.Errorf("app sets its cookie %v: AWSALBAPP-0 inserted %v; Set-Cookie %q", tc.want, got, resp.Header.Values("Set-Cookie"))
		}
	}
}

// Akamai's salted integrity check: a tampered cookie is treated as absent.
func TestAkamaiTamperedCookieIsTreatedAsAbsent(t *testing.T) {
	lb := newTestLB(t, edgeOf(t, Config{Tier: policy.Tier{Persistence: "cookie", Cookie: CookieConfig{Salt: "s3cret"}}, Vendor: policy.Vendor{Profile: "akamai-alb"}}))
	v := cookieValue(setCookie(do(t, lb, nil), "__akaalb_edge"))
	if r := reasonOf(do(t, lb, map[string]string{"__akaalb_edge": v})); r != ReasonPersisted {
		t.Fatalf("genuine cookie %q: reason %q", v, r)
	}
	enc, sum, _ := strings.Cut(v, ".")
	forged := "ZGMtd2VzdA." + sum // "dc-west" with the genuine cookie's check
	if enc == "ZGMtd2VzdA" {
		forged = "ZGMtZWFzdA." + sum
	}
	resp := do(t, lb, map[string]string{"__akaalb_edge": forged})
	if r := reasonOf(resp); r != ReasonUndecodable || setCookie(resp, "__akaalb_edge") == "" {
		t.Fatalf("forged %q: reason %q, Set-Cookie %q; want undecodable and a new cookie", forged, r, resp.Header.Values("Set-Cookie"))
	}
}

// Out-of-range vendor values are refused, naming the field.
func TestProfilesRefuseValuesOutsideTheDocumentedRange(t *testing.T) {
	cases := []struct {
		cfg   Config
		field string
	}{
		{Config{Tier: policy.Tier{Cookie: CookieConfig{TTL: Duration(60e9)}}, Vendor: policy.Vendor{Profile: "cloudflare", SessionAffinity: "cookie"}}, "cookie.ttl"},
		{Config{Tier: policy.Tier{SelectionHeader: "X-User", SourceIPTTL: Duration(7200e9)}, Vendor: policy.Vendor{Profile: "cloudflare", SessionAffinity: "header"}}, "source_ip_ttl"},
		{Config{Vendor: policy.Vendor{Profile: "cloudflare", SessionAffinity: "header"}}, "selection_header"},
		{Config{Vendor: policy.Vendor{Profile: "cloudflare", SessionAffinity: "sometimes"}}, "session_affinity"},
		{Config{Vendor: policy.Vendor{Profile: "cloudflare", ZeroDowntimeFailover: "always"}}, "zero_downtime_failover"},
		{Config{Tier: policy.Tier{Persistence: "cookie", Cookie: CookieConfig{TTL: Duration(8 * 24 * 3600e9)}}, Vendor: policy.Vendor{Profile: "aws-alb"}}, "cookie.ttl"},
		{Config{Tier: policy.Tier{Cookie: CookieConfig{Expiry: "TOMORROW"}}, Vendor: policy.Vendor{Profile: "akamai-alb"}}, "cookie.expiry"},
		{Config{Tier: policy.Tier{Cookie: CookieConfig{Expiry: "FIXED_DATE"}}, Vendor: policy.Vendor{Profile: "akamai-alb"}}, "cookie.expires_at"},
		{Config{Vendor: policy.Vendor{Profile: "akamai-alb", FailoverStatusCodes: []int{999}}}, "failover_status_codes[0]"},
		{Config{Vendor: policy.Vendor{Profile: "fastly"}}, "profile"},
		{Config{Steering: "anycast"}, "steering"},
	}
	for _, tc := range cases {
		cfg := tc.cfg
		cfg.Members = []MemberConfig{{Name: "dc-east", URL: "http://127.0.0.1:1"}}
		err := cfg.WithDefaults().Validate()
		var fe *FieldError
		found := false
		for _, e := range unwrapAll(err) {
			if errors.As(e, &fe) && fe.Field == tc.field {
				found = true
			}
		}
		if !found {
			t.Errorf("%+v: error %v does not name %s", tc.cfg, err, tc.field)
		}
	}
}

func unwrapAll(err error) []error {
	if m, ok := err.(interface{ Unwrap() []error }); ok {
		return m.Unwrap()
	}
	return []error{err}
}

// Akamai origin failover: an idempotent request answered with a failover
// status is sent to another origin and the client re-pinned there; a POST
// is not retried.
func TestAkamaiOriginFailoverOnStatus(t *testing.T) {
	cfg := Config{Role: "edge", Name: "edge", Members: []MemberConfig{failing(t, "dc-east", 503), appWith(t, "dc-west")}, Tier: policy.Tier{Persistence: "cookie"}, Vendor: policy.Vendor{Profile: "akamai-alb"}}
	lb := newTestLB(t, cfg)
	pin, _ := NewCodec("akamai-alb", CodecEnv{Key: lb.key, Members: []Target{lb.pool.get("dc-east")}})
	v, _ := pin.Encode(lb.pool.get("dc-east"))
	resp := do(t, lb, map[string]string{"__akaalb_edge": v})
	if body := served(resp); body != "dc-west" || reasonOf(resp) != ReasonFailover || setCookie(resp, "__akaalb_edge") == "" {
		t.Fatalf("GET pinned to a 503 origin: served %q reason %q Set-Cookie %q; want dc-west, failover, a new pin",
			body, reasonOf(resp), resp.Header.Values("Set-Cookie"))
	}
	post := httptest.NewRequest(http.MethodPost, "http://portal.example/login", strings.NewReader("a=b"))
	post.AddCookie(&http.Cookie{Name: "__akaalb_edge", Value: v})
	w := httptest.NewRecorder()
	lb.ServeHTTP(w, post)
	if w.Code != http.StatusServiceUnavailable || w.Body.String() != "dc-east" {
		t.Fatalf("POST: %d %q; want the origin's own 503, not retried", w.Code, w.Body.String())
	}
}

// failing is a member that answers every request but its health check with code.
func failing(t *testing.T, name string, code int) MemberConfig {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			w.WriteHeader(code)
		}
		_, _ = io.WriteString(w, name)
	}))
	t.Cleanup(srv.Close)
	return MemberConfig{Name: name, URL: srv.URL, Weight: 1}
}

// Cloudflare's endpoint drain: a draining datacenter keeps its sessions for
// drain_duration, then they move (on_member_down).
func TestDrainDurationEndsADrainingMembersSessions(t *testing.T) {
	for _, tc := range []struct {
		drain  Duration
		since  time.Duration
		reason string
	}{{Duration(time.Minute), time.Second, ReasonPersisted}, {Duration(time.Minute), 2 * time.Minute, ReasonFailover}, {0, time.Hour, ReasonPersisted}} {
		lb := newTestLB(t, edgeOf(t, Config{Tier: policy.Tier{PassthroughSingle: ptr(false)}, Vendor: policy.Vendor{Profile: "cloudflare", SessionAffinity: "cookie", DrainDuration: tc.drain}}))
		v := cookieValue(setCookie(do(t, lb, nil), "__cflb"))
		pinned := served(do(t, lb, map[string]string{"__cflb": v}))
		m := lb.pool.get(pinned)
		m.setState(StateDraining)
		m.drainingSince.Store(time.Now().Add(-tc.since).UnixNano())
		if r := reasonOf(do(t, lb, map[string]string{"__cflb": v})); r != tc.reason {
			t.Errorf("drain_duration %s, draining for %s: reason %q, want %q", tc.drain.Std(), tc.since, r, tc.reason)
		}
	}
}
