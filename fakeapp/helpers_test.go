package fakeapp

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// browser drives a handler in-process with a cookie jar, like a person
// clicking through the portal. Its handler may be swapped between requests
// to model a load balancer sending the next request elsewhere.
type browser struct {
	t    testing.TB
	h    http.Handler
	jar  *cookiejar.Jar
	base *url.URL
	// body of the last response, for token scraping and assertions
	body string
}

func newBrowser(t testing.TB, h http.Handler) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("http://portal.test/")
	return &browser{t: t, h: h, jar: jar, base: base}
}

func (b *browser) do(req *http.Request) *http.Response {
	b.t.Helper()
	for _, c := range b.jar.Cookies(b.base) {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	b.h.ServeHTTP(rec, req)
	resp := rec.Result()
	b.jar.SetCookies(b.base, resp.Cookies())
	body, _ := io.ReadAll(resp.Body)
	b.body = string(body)
	return resp
}

func (b *browser) get(path string) *http.Response {
	b.t.Helper()
	return b.do(httptest.NewRequest(http.MethodGet, path, nil))
}

func (b *browser) post(path string, form url.Values) *http.Response {
	b.t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

func (b *browser) cookie(name string) string {
	for _, c := range b.jar.Cookies(b.base) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// setCookie plants a cookie in the jar, as a foreign server would have.
func (b *browser) setCookie(name, value string) {
	b.jar.SetCookies(b.base, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

func (b *browser) dropCookie(name string) {
	b.jar.SetCookies(b.base, []*http.Cookie{{Name: name, Value: "", Path: "/", MaxAge: -1}})
}

var formTokenRE = regexp.MustCompile(`name="__RequestVerificationToken" type="hidden" value="([^"]+)"`)

// formToken scrapes the hidden anti-forgery field from the last page.
func (b *browser) formToken() string {
	b.t.Helper()
	m := formTokenRE.FindStringSubmatch(b.body)
	if m == nil {
		b.t.Fatalf("no %s field in page:\n%s", formTokenField, b.body)
	}
	return m[1]
}

func loginForm(token, user, password string) url.Values {
	return url.Values{formTokenField: {token}, "UserName": {user}, "Password": {password}}
}

// login walks GET /login, POST /login as alice and returns the POST response.
func (b *browser) login() *http.Response {
	b.t.Helper()
	b.get("/login")
	return b.post("/login", loginForm(b.formToken(), "alice", "wonderland"))
}

func newApp(t testing.TB, cfg Config) *App {
	t.Helper()
	if cfg.Datacenter == "" {
		cfg.Datacenter = "dc-east"
	}
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// fakeClock is a settable clock for expiry tests.
type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time          { return c.now }
func (c *fakeClock) advance(d time.Duration) { c.now = c.now.Add(d) }

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)} }

func wantStatus(t testing.TB, resp *http.Response, code int) {
	t.Helper()
	if resp.StatusCode != code {
		t.Fatalf("status = %d, want %d", resp.StatusCode, code)
	}
}

func wantFailure(t testing.TB, resp *http.Response, class string) {
	t.Helper()
	if got := resp.Header.Get(HeaderFailure); got != class {
		t.Fatalf("%s = %q, want %q", HeaderFailure, got, class)
	}
}

func wantLocation(t testing.TB, resp *http.Response, loc string) {
	t.Helper()
	if got := resp.Header.Get("Location"); got != loc {
		t.Fatalf("Location = %q, want %q", got, loc)
	}
}

// setCookieNamed returns the Set-Cookie of resp for name, or nil.
func setCookieNamed(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// sessionCount is app.SessionCount for a store that must not fail.
func sessionCount(t testing.TB, app *App) int {
	t.Helper()
	n, err := app.SessionCount(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// memT is a MemoryStore whose calls fail the test on error, so that the
// store's behaviour reads without error plumbing.
type memT struct {
	t testing.TB
	m SessionStore
}

func (s memT) Get(id string) (Session, bool) {
	s.t.Helper()
	v, ok, err := s.m.Get(s.t.Context(), id)
	s.check(err)
	return v, ok
}
func (s memT) Put(v Session)    { s.t.Helper(); s.check(s.m.Put(s.t.Context(), v)) }
func (s memT) Delete(id string) { s.t.Helper(); s.check(s.m.Delete(s.t.Context(), id)) }
func (s memT) Flush()           { s.t.Helper(); s.check(s.m.Flush(s.t.Context())) }
func (s memT) Len() int {
	s.t.Helper()
	n, err := s.m.Len(s.t.Context())
	s.check(err)
	return n
}
func (s memT) check(err error) {
	s.t.Helper()
	if err != nil {
		s.t.Fatal(err)
	}
}
