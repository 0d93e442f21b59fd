package fakeapp

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func TestEveryResponseSaysWhereItWasServed(t *testing.T) {
	app := newApp(t, Config{Datacenter: "dc-east", Instance: "dc-east-2"})
	requests := []struct{ method, path string }{
		{"GET", "/"}, {"GET", "/login"}, {"POST", "/login"}, {"GET", "/account"},
		{"GET", "/account/password"}, {"POST", "/account/password"}, {"POST", "/logout"},
		{"GET", "/healthz"}, {"GET", "/nowhere"}, {"DELETE", "/login"},
	}
	timing := regexp.MustCompile(`^app;dur=\d+\.\d\d$`)
	for _, rq := range requests {
		for name, h := range map[string]http.Handler{"app": app, "admin": app.Admin()} {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(rq.method, rq.path, nil))
			if got := rec.Header().Get(HeaderServedBy); got != "dc-east/dc-east-2" {
				t.Errorf("%s %s %s: %s = %q", name, rq.method, rq.path, HeaderServedBy, got)
			}
			if got := rec.Header().Get(HeaderTiming); !timing.MatchString(got) {
				t.Errorf("%s %s %s: %s = %q", name, rq.method, rq.path, HeaderTiming, got)
			}
		}
	}
}

func TestEveryPageShowsWhereItWasServed(t *testing.T) {
	app := newApp(t, Config{Datacenter: "dc-west", Instance: "dc-west-1"})
	b := newBrowser(t, app)
	check := func(what string) {
		t.Helper()
		if !strings.Contains(b.body, "Served by dc-west/dc-west-1") {
			t.Errorf("%s page lacks the served-by banner", what)
		}
	}
	b.get("/login")
	check("login")
	b.post("/login", url.Values{})
	check("error")
	b.login()
	b.get("/account")
	check("account")
	b.get("/account/password")
	check("password")
}

func TestInstanceDefaultsToDatacenterDash1(t *testing.T) {
	if got := newApp(t, Config{Datacenter: "dc-east"}).ServedBy(); got != "dc-east/dc-east-1" {
		t.Fatalf("ServedBy = %q", got)
	}
}

func TestSecureCookieRules(t *testing.T) {
	cases := []struct {
		mode   string
		tls    bool
		proto  string
		secure bool
	}{
		{"auto", false, "", false},
		{"auto", true, "", true},
		{"auto", false, "https", true},
		{"auto", false, "HTTPS, http", true},
		{"auto", false, "http", false},
		{"", true, "", true},
		{"always", false, "", true},
		{"never", true, "https", false},
	}
	for _, tc := range cases {
		t.Run(tc.mode+"/tls="+map[bool]string{true: "yes", false: "no"}[tc.tls]+"/xfp="+tc.proto, func(t *testing.T) {
			app := newApp(t, Config{SecureCookies: tc.mode})
			req := httptest.NewRequest("GET", "/login", nil)
			if tc.tls {
				req.TLS = &tls.ConnectionState{}
			}
			if tc.proto != "" {
				req.Header.Set("X-Forwarded-Proto", tc.proto)
			}
			rec := httptest.NewRecorder()
			app.ServeHTTP(rec, req)
			cookies := rec.Result().Cookies()
			if len(cookies) == 0 {
				t.Fatal("no cookies set")
			}
			for _, c := range cookies {
				if c.Secure != tc.secure {
					t.Errorf("%s Secure = %v, want %v", c.Name, c.Secure, tc.secure)
				}
			}
		})
	}
}
