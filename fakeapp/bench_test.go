package fakeapp

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var benchTokenRE = regexp.MustCompile(`name="__RequestVerificationToken" type="hidden" value="([^"]+)"`)

// BenchmarkLogin measures one full login: GET /login, POST /login,
// GET /account, cookies carried by hand to keep the harness cheap.
func BenchmarkLogin(b *testing.B) {
	app := newApp(b, Config{MaxSessions: 1000})
	serve := func(req *http.Request) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		app.ServeHTTP(rec, req)
		return rec
	}
	b.ReportAllocs()
	for b.Loop() {
		rec := serve(httptest.NewRequest("GET", "/login", nil))
		cookies := rec.Result().Cookies()
		m := benchTokenRE.FindSubmatch(rec.Body.Bytes())
		if m == nil {
			b.Fatal("no form token")
		}
		form := url.Values{formTokenField: {string(m[1])}, "UserName": {"alice"}, "Password": {"wonderland"}}
		req := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for _, c := range cookies {
			req.AddCookie(c)
		}
		rec = serve(req)
		if rec.Code != http.StatusFound {
			b.Fatalf("POST /login = %d", rec.Code)
		}
		req = httptest.NewRequest("GET", "/account", nil)
		for _, c := range rec.Result().Cookies() {
			req.AddCookie(c)
		}
		if rec = serve(req); rec.Code != http.StatusOK {
			b.Fatalf("GET /account = %d", rec.Code)
		}
	}
}
