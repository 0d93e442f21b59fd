package fakeapp

import (
	"net/http"
	"net/url"
	"testing"
)

// Pages with a form carry X-Frame-Options: SAMEORIGIN, as MVC 5's
// AntiForgeryToken() sends it; pages without one do not.
func TestPagesWithAFormMayOnlyBeFramedByTheirOwnOrigin(t *testing.T) {
	app := newApp(t, Config{})
	b := newBrowser(t, app)
	check := func(page string, resp *http.Response, form bool) {
		t.Helper()
		want := ""
		if form {
			want = "SAMEORIGIN"
		}
		if got := resp.Header.Get("X-Frame-Options"); got != want {
			t.Errorf("%s page: X-Frame-Options %q, want %q", page, got, want)
		}
	}
	check("login", b.get("/login"), true)
	check("bad credentials", b.post("/login", loginForm(b.formToken(), "alice", "guess")), true)
	check("anti-forgery error", b.post("/login", url.Values{}), false)
	b.login()
	check("account", b.get("/account"), true)
	check("password", b.get("/account/password"), true)
	check("health", b.get("/healthz"), false)
}
