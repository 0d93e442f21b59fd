package fakeapp

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestRootRedirectsToLogin(t *testing.T) {
	resp := newBrowser(t, newApp(t, Config{})).get("/")
	wantStatus(t, resp, http.StatusFound)
	wantLocation(t, resp, "/login")
}

func TestGetLoginSetsTheIncidentsCookies(t *testing.T) {
	b := newBrowser(t, newApp(t, Config{}))
	resp := b.get("/login")
	wantStatus(t, resp, http.StatusOK)
	for _, name := range []string{DefaultAntiForgeryCookie, sessionCookie, paymentCookie, languageCookie} {
		c := setCookieNamed(resp, name)
		if c == nil {
			t.Fatalf("GET /login did not set %s; got %v", name, resp.Cookies())
		}
		if !c.HttpOnly || c.Path != "/" || c.SameSite != http.SameSiteLaxMode {
			t.Errorf("%s: HttpOnly=%v Path=%q SameSite=%v, want true / Lax", name, c.HttpOnly, c.Path, c.SameSite)
		}
	}
	if got := b.cookie(languageCookie); got != "en-US" {
		t.Errorf("%s = %q, want en-US", languageCookie, got)
	}
	for _, field := range []string{`name="UserName"`, `name="Password"`, `name="__RequestVerificationToken"`} {
		if !strings.Contains(b.body, field) {
			t.Errorf("login form lacks %s", field)
		}
	}
	b.formToken()
}

func TestAntiForgeryCookieNameIsConfigurable(t *testing.T) {
	b := newBrowser(t, newApp(t, Config{AntiForgeryCookie: "__RequestVerificationToken_Lw2"}))
	if c := setCookieNamed(b.get("/login"), "__RequestVerificationToken_Lw2"); c == nil {
		t.Fatal("configured anti-forgery cookie not set")
	}
	resp := b.post("/login", loginForm(b.formToken(), "alice", "wonderland"))
	wantStatus(t, resp, http.StatusFound)
}

func TestGetLoginKeepsACookieItCanDecrypt(t *testing.T) {
	b := newBrowser(t, newApp(t, Config{}))
	b.get("/login")
	first := b.cookie(DefaultAntiForgeryCookie)

	resp := b.get("/login")
	if c := setCookieNamed(resp, DefaultAntiForgeryCookie); c != nil {
		t.Fatalf("second GET re-issued a readable cookie: %v", c)
	}
	if got := b.cookie(DefaultAntiForgeryCookie); got != first {
		t.Fatal("anti-forgery cookie changed")
	}
	// The new form token is paired with the kept cookie.
	wantStatus(t, b.post("/login", loginForm(b.formToken(), "alice", "wonderland")), http.StatusFound)
}

func TestGetLoginSilentlyReplacesACookieItCannotDecrypt(t *testing.T) {
	east := newApp(t, Config{Datacenter: "dc-east"})
	west := newApp(t, Config{Datacenter: "dc-west"})
	b := newBrowser(t, east)
	b.get("/login")
	eastCookie := b.cookie(DefaultAntiForgeryCookie)

	b.h = west
	resp := b.get("/login")
	wantStatus(t, resp, http.StatusOK)
	if resp.Header.Get(HeaderFailure) != "" {
		t.Fatalf("GET with a foreign cookie reported failure %q; ASP.NET's GET succeeds", resp.Header.Get(HeaderFailure))
	}
	if c := setCookieNamed(resp, DefaultAntiForgeryCookie); c == nil || c.Value == eastCookie {
		t.Fatalf("foreign cookie not replaced: %v", c)
	}
	wantStatus(t, b.post("/login", loginForm(b.formToken(), "alice", "wonderland")), http.StatusFound)
}

func TestLoginSucceedsWithANewSession(t *testing.T) {
	app := newApp(t, Config{})
	b := newBrowser(t, app)
	b.get("/login")
	anonymous := b.cookie(sessionCookie)

	resp := b.post("/login", loginForm(b.formToken(), "alice", "wonderland"))
	wantStatus(t, resp, http.StatusFound)
	wantLocation(t, resp, "/account")
	sid, key := setCookieNamed(resp, sessionCookie), setCookieNamed(resp, authenCookie)
	if sid == nil || key == nil {
		t.Fatalf("login set %v, want %s and %s", resp.Cookies(), sessionCookie, authenCookie)
	}
	if sid.Value == anonymous {
		t.Error("login kept the pre-login session id")
	}
	if len(key.Value) != 36 || strings.Count(key.Value, "-") != 4 {
		t.Errorf("authenKey %q is not a UUID", key.Value)
	}
	if n := sessionCount(t, app); n != 1 {
		t.Errorf("SessionCount = %d, want 1", n)
	}

	resp = b.get("/account")
	wantStatus(t, resp, http.StatusOK)
	if !strings.Contains(b.body, "Welcome, alice") {
		t.Errorf("account page lacks the welcome:\n%s", b.body)
	}
}

func TestWrongPasswordShowsTheFormAgain(t *testing.T) {
	app := newApp(t, Config{})
	b := newBrowser(t, app)
	b.get("/login")
	resp := b.post("/login", loginForm(b.formToken(), "alice", "looking-glass"))
	wantStatus(t, resp, http.StatusOK)
	wantFailure(t, resp, FailureBadCredentials)
	if !strings.Contains(b.body, "The user name or password provided is incorrect.") {
		t.Error("no error message on the form")
	}
	if sessionCount(t, app) != 0 {
		t.Error("failed login created a session")
	}
	// The re-shown form works.
	wantStatus(t, b.post("/login", loginForm(b.formToken(), "alice", "wonderland")), http.StatusFound)
}

func TestUsersAreConfigurable(t *testing.T) {
	b := newBrowser(t, newApp(t, Config{Users: map[string]string{"bob": "builder"}}))
	b.get("/login")
	wantStatus(t, b.post("/login", loginForm(b.formToken(), "bob", "builder")), http.StatusFound)
	b.get("/account")
	if !strings.Contains(b.body, "Welcome, bob") {
		t.Error("bob not welcomed")
	}
}

func TestPagesEscapeUserInput(t *testing.T) {
	b := newBrowser(t, newApp(t, Config{}))
	b.get("/login")
	evil := `<script>alert(1)</script>`
	b.post("/login", loginForm(b.formToken(), evil, "x"))
	if strings.Contains(b.body, evil) {
		t.Fatal("user name echoed unescaped")
	}
	if !strings.Contains(b.body, html.EscapeString(evil)) && !strings.Contains(b.body, "&lt;script&gt;") {
		t.Error("user name not echoed at all")
	}
}

// POST /login validates in ASP.NET's order: each case breaks one thing and
// expects the failure of the first check that catches it.
func TestPostLoginValidatesInASPNETOrder(t *testing.T) {
	undecryptable := "The anti-forgery token could not be decrypted. If this application is hosted by a Web Farm or cluster, " +
		"ensure that all machines are running the same version of ASP.NET Web Pages and that the <machineKey> configuration " +
		"specifies explicit encryption and validation keys. AutoGenerate cannot be used in a cluster."
	other := newApp(t, Config{Datacenter: "dc-west"})
	otherToken := func() (cookie, form string) {
		o := newBrowser(t, other)
		o.get("/login")
		return o.cookie(DefaultAntiForgeryCookie), o.formToken()
	}
	cases := []struct {
		name    string
		breakIt func(b *browser, form url.Values)
		class   string
		message string
	}{
		{"cookie missing, field missing too", func(b *browser, f url.Values) {
			b.dropCookie(DefaultAntiForgeryCookie)
			f.Del(formTokenField)
		}, FailureMissingCookie, `The required anti-forgery cookie "__RequestVerificationToken_L1ZQQw2" is not present.`},
		{"field missing", func(b *browser, f url.Values) { f.Del(formTokenField) },
			FailureMissingField, `The required anti-forgery form field "__RequestVerificationToken" is not present.`},
		// MVC 5 deserialises both tokens before it looks for a missing one.
		{"cookie missing, form token from another datacenter", func(b *browser, f url.Values) {
			_, ft := otherToken()
			b.dropCookie(DefaultAntiForgeryCookie)
			f.Set(formTokenField, ft)
		}, FailureUndecryptable, undecryptable},
		{"cookie from another datacenter, field missing", func(b *browser, f url.Values) {
			c, _ := otherToken()
			b.setCookie(DefaultAntiForgeryCookie, c)
			f.Del(formTokenField)
		}, FailureUndecryptable, undecryptable},
		{"cookie missing, own form token", func(b *browser, f url.Values) { b.dropCookie(DefaultAntiForgeryCookie) },
			FailureMissingCookie, `The required anti-forgery cookie "__RequestVerificationToken_L1ZQQw2" is not present.`},
		{"cookie from another datacenter", func(b *browser, f url.Values) {
			c, _ := otherToken()
			b.setCookie(DefaultAntiForgeryCookie, c)
		}, FailureUndecryptable, undecryptable},
		{"form token from another datacenter", func(b *browser, f url.Values) {
			_, ft := otherToken()
			f.Set(formTokenField, ft)
		}, FailureUndecryptable, undecryptable},
		{"cookie tampered", func(b *browser, f url.Values) {
			c := []byte(b.cookie(DefaultAntiForgeryCookie))
			c[len(c)/2] ^= 1
			b.setCookie(DefaultAntiForgeryCookie, string(c))
		}, FailureUndecryptable, undecryptable},
		{"form token from another browser", func(b *browser, f url.Values) {
			o := newBrowser(t, b.h)
			o.get("/login")
			f.Set(formTokenField, o.formToken())
		}, FailureMismatch, "The anti-forgery cookie token and form field token do not match."},
		{"cookie and form swapped", func(b *browser, f url.Values) {
			c := b.cookie(DefaultAntiForgeryCookie)
			b.setCookie(DefaultAntiForgeryCookie, f.Get(formTokenField))
			f.Set(formTokenField, c)
		}, FailureMismatch, "were swapped"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app := newApp(t, Config{})
			b := newBrowser(t, app)
			b.get("/login")
			form := loginForm(b.formToken(), "alice", "wonderland")
			tc.breakIt(b, form)
			resp := b.post("/login", form)
			wantStatus(t, resp, http.StatusInternalServerError)
			wantFailure(t, resp, tc.class)
			if !strings.Contains(html.UnescapeString(b.body), tc.message) {
				t.Errorf("body lacks %q:\n%s", tc.message, b.body)
			}
			if sessionCount(t, app) != 0 {
				t.Error("a failed validation created a session")
			}
		})
	}
}

func TestBadCredentialsAreCheckedAfterTheTokens(t *testing.T) {
	b := newBrowser(t, newApp(t, Config{}))
	b.get("/login")
	resp := b.post("/login", url.Values{"UserName": {"alice"}, "Password": {"nope"}})
	wantFailure(t, resp, FailureMissingField)
}

func TestLogoutRemovesTheSession(t *testing.T) {
	app := newApp(t, Config{})
	b := newBrowser(t, app)
	b.login()
	resp := b.post("/logout", nil)
	wantStatus(t, resp, http.StatusFound)
	wantLocation(t, resp, "/login")
	if sessionCount(t, app) != 0 {
		t.Errorf("SessionCount after logout = %d", sessionCount(t, app))
	}
	wantFailure(t, b.get("/account"), FailureSessionMissing)
}

func TestHealthz(t *testing.T) {
	resp := newBrowser(t, newApp(t, Config{})).get("/healthz")
	wantStatus(t, resp, http.StatusOK)
}

func TestOversizedBodyIsRejected(t *testing.T) {
	b := newBrowser(t, newApp(t, Config{}))
	b.get("/login")
	resp := b.post("/login", url.Values{"x": {strings.Repeat("a", 70<<10)}})
	wantStatus(t, resp, http.StatusRequestEntityTooLarge)
}
