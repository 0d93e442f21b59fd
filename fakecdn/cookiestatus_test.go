package fakecdn

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// appWith is a member that answers with the given response headers.
func appWith(t *testing.T, name string, header ...string) MemberConfig {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Add(header[i], header[i+1])
		}
		_, _ = io.WriteString(w, name)
	}))
	t.Cleanup(srv.Close)
	return MemberConfig{Name: name, URL: srv.URL, Weight: 1}
}

// The access log's cookie field is HAProxy's two letters: what the client
// sent, what the response did with the cookie.
func TestAccessLogCookieStatusInHAProxysTwoLetters(t *testing.T) {
	a, b := newBackend(t, "dc-east-1"), newBackend(t, "dc-east-2")
	plain := func(persistence policy.Persistence) Config {
		return Config{Role: "dc", Name: "dc-east", Members: members(a, b), Tier: policy.Tier{Selection: "round-robin", Persistence: persistence, Cookie: CookieConfig{Name: "lbs", Codec: "plain"}}}
	}
	cases := []struct {
		name    string
		cfg     Config
		cookies map[string]string
		want    string
	}{
		{"persistence off: does not apply", plain("none"), nil, "--"},
		{"source-ip: no cookie configured", plain("source-ip"), nil, "--"},
		{"no cookie, one inserted", plain("cookie"), nil, "NI"},
		{"valid cookie, nothing inserted", plain("cookie"), map[string]string{"lbs": "dc-east-2"}, "VN"},
		{"invalid cookie, a new one inserted", plain("cookie"), map[string]string{"lbs": "dc-north-9"}, "II"},
		{"cookie present, passthrough chose", func() Config {
			c := plain("cookie")
			c.Members = members(a)
			c.PassthroughSingle = ptr(true)
			return c
		}(), map[string]string{"lbs": "dc-east-1"}, "UN"},
		{"no cookie, passthrough", func() Config {
			c := plain("cookie")
			c.Members = members(a)
			c.PassthroughSingle = ptr(true)
			return c
		}(), nil, "NN"},
		{"the member provides the cookie itself", func() Config {
			c := plain("cookie")
			c.Members = []MemberConfig{appWith(t, "dc-east-1", "Set-Cookie", "lbs=app-chosen; Path=/")}
			return c
		}(), map[string]string{"lbs": "dc-east-1"}, "VP"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			logs, opt := withLog()
			lb := newTestLB(t, tc.cfg, opt)
			served(do(t, lb, tc.cookies))
			lines := logs.requests(t)
			if len(lines) != 1 || lines[0]["cookie"] != tc.want {
				t.Fatalf("access log %v, want cookie %q", lines, tc.want)
			}
		})
	}
}

// nocache marks a response that inserts the cookie private, as HAProxy's
// cookie option does; a response without a new cookie, or one that is not
// cacheable anyway, is left alone.
func TestNoCacheMarksResponsesThatInsertTheCookiePrivate(t *testing.T) {
	cfg := func(nocache bool, m MemberConfig) Config {
		return Config{Role: "dc", Name: "dc-east", Members: []MemberConfig{m}, Tier: policy.Tier{Persistence: "cookie", Cookie: CookieConfig{Name: "lbs", Codec: "plain", NoCache: nocache}}}
	}
	public := appWith(t, "dc-east-1", "Cache-Control", "public, max-age=60")
	lb := newTestLB(t, cfg(true, public))
	first := do(t, lb, nil)
	if setCookie(first, "lbs") == "" || !hasValue(first.Header, "Cache-Control", "private") {
		t.Fatalf("inserting response: Set-Cookie %q, Cache-Control %q", setCookie(first, "lbs"), first.Header.Values("Cache-Control"))
	}
	again := do(t, lb, map[string]string{"lbs": "dc-east-1"})
	if hasValue(again.Header, "Cache-Control", "private") {
		t.Errorf("no cookie inserted, yet Cache-Control %q", again.Header.Values("Cache-Control"))
	}
	if r := do(t, newTestLB(t, cfg(false, public)), nil); hasValue(r.Header, "Cache-Control", "private") {
		t.Errorf("nocache off, yet Cache-Control %q", r.Header.Values("Cache-Control"))
	}
	noStore := appWith(t, "dc-east-1", "Cache-Control", "no-store")
	if r := do(t, newTestLB(t, cfg(true, noStore)), nil); len(r.Header.Values("Cache-Control")) != 1 {
		t.Errorf("an uncacheable response got Cache-Control %q", r.Header.Values("Cache-Control"))
	}
}

func hasValue(h http.Header, key, want string) bool {
	for _, v := range h.Values(key) {
		if strings.TrimSpace(v) == want {
			return true
		}
	}
	return false
}

// httponly and secure are per tier; left out, the cookie is HttpOnly and
// Secure exactly when the client connection is HTTPS, as before.
func TestHTTPOnlyAndSecureAreConfigurable(t *testing.T) {
	a := newBackend(t, "dc-east-1")
	cookie := func(c CookieConfig, header ...string) string {
		c.Name, c.Codec = "lbs", "plain"
		lb := newTestLB(t, Config{Role: "dc", Name: "dc-east", Members: members(a), Tier: policy.Tier{Persistence: "cookie", Cookie: c}})
		return setCookie(do(t, lb, nil, header...), "lbs")
	}
	https := []string{"X-Forwarded-Proto", "https"}
	for _, tc := range []struct {
		name         string
		raw          string
		secure, only bool
	}{
		{"default over HTTP", cookie(CookieConfig{}), false, true},
		{"default over HTTPS", cookie(CookieConfig{}, https...), true, true},
		{"httponly: false", cookie(CookieConfig{HTTPOnly: ptr(false)}, https...), true, false},
		{"secure: true over HTTP", cookie(CookieConfig{Secure: ptr(true)}), true, true},
		{"secure: false over HTTPS", cookie(CookieConfig{Secure: ptr(false)}, https...), false, true},
	} {
		if got := strings.Contains(tc.raw, "; Secure"); got != tc.secure {
			t.Errorf("%s: %q, Secure %v, want %v", tc.name, tc.raw, got, tc.secure)
		}
		if got := strings.Contains(tc.raw, "; HttpOnly"); got != tc.only {
			t.Errorf("%s: %q, HttpOnly %v, want %v", tc.name, tc.raw, got, tc.only)
		}
	}
}

// The new cookie fields read from YAML, change by PATCH /config and show in
// GET /state; a file without them means what it always meant.
func TestCookieOptionsInConfigAndAdmin(t *testing.T) {
	c, err := ParseConfig([]byte("role: dc\nmembers: [{name: a, url: 'http://127.0.0.1:1'}]\ncookie: {name: lbs, nocache: true, httponly: false, secure: true}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Cookie.NoCache || c.Cookie.HTTPOnly == nil || *c.Cookie.HTTPOnly || c.Cookie.Secure == nil || !*c.Cookie.Secure {
		t.Fatalf("parsed cookie %+v", c.Cookie)
	}
	old, err := ParseConfig([]byte("role: dc\nmembers: [{name: a, url: 'http://127.0.0.1:1'}]\ncookie: {name: lbs}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if d := old.WithDefaults().Cookie; d.NoCache || !*d.HTTPOnly || d.Secure != nil {
		t.Fatalf("defaults %+v, want no nocache, httponly, secure when HTTPS", d)
	}

	lb := newTestLB(t, dcConfig(newBackend(t, "dc-east-1")))
	code, m, raw := admin(t, lb, "PATCH", "/config", `{"cookie":{"nocache":true,"httponly":false,"secure":true}}`)
	ck := m["config"].(map[string]any)["cookie"].(map[string]any)
	if code != 200 || ck["nocache"] != true || ck["httponly"] != false || ck["secure"] != true {
		t.Fatalf("PATCH: %d %s", code, raw)
	}
	if raw := setCookie(do(t, lb, nil), "lbs"); !strings.Contains(raw, "; Secure") || strings.Contains(raw, "HttpOnly") {
		t.Fatalf("cookie after PATCH: %q", raw)
	}
	if code, _, raw := admin(t, lb, "PATCH", "/config", `{"cookie":{"secure":"yes"}}`); code != 400 || !strings.Contains(raw, "cookie.secure") {
		t.Fatalf("bad secure: %d %s", code, raw)
	}
}
