package fakeapp

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestAccountWithoutSessionRedirectsToLogin(t *testing.T) {
	resp := newBrowser(t, newApp(t, Config{})).get("/account")
	wantStatus(t, resp, http.StatusFound)
	wantLocation(t, resp, "/login?ReturnUrl=%2Faccount")
	wantFailure(t, resp, FailureSessionMissing)
}

func TestSessionLivesOnlyInTheInstanceThatCreatedIt(t *testing.T) {
	one := newApp(t, Config{Datacenter: "dc-east", Instance: "dc-east-1"})
	two := newApp(t, Config{Datacenter: "dc-east", Instance: "dc-east-2"})
	b := newBrowser(t, one)
	b.login()

	b.h = two
	resp := b.get("/account")
	wantStatus(t, resp, http.StatusFound)
	wantFailure(t, resp, FailureSessionMissing)
}

func TestAccountNeedsTheAuthenKeyIssuedWithTheSession(t *testing.T) {
	b := newBrowser(t, newApp(t, Config{}))
	b.login()
	b.setCookie(authenCookie, "00000000-0000-4000-8000-000000000000")
	wantFailure(t, b.get("/account"), FailureSessionMissing)
	b.dropCookie(authenCookie)
	wantFailure(t, b.get("/account"), FailureSessionMissing)
}

func TestSessionExpiresAfterIdleTimeoutButSlides(t *testing.T) {
	clock := newFakeClock()
	b := newBrowser(t, newApp(t, Config{Clock: clock.Now, SessionTimeout: 20 * time.Minute}))
	b.login()

	// Each visit inside the timeout extends the session.
	for range 3 {
		clock.advance(19 * time.Minute)
		wantStatus(t, b.get("/account"), http.StatusOK)
	}
	clock.advance(20 * time.Minute)
	wantFailure(t, b.get("/account"), FailureSessionMissing)
}

func passwordForm(token, old, nw, confirm string) url.Values {
	return url.Values{formTokenField: {token}, "OldPassword": {old}, "NewPassword": {nw}, "ConfirmPassword": {confirm}}
}

func TestChangePassword(t *testing.T) {
	app := newApp(t, Config{})
	b := newBrowser(t, app)
	b.login()
	wantStatus(t, b.get("/account/password"), http.StatusOK)
	resp := b.post("/account/password", passwordForm(b.formToken(), "wonderland", "looking-glass", "looking-glass"))
	wantStatus(t, resp, http.StatusOK)
	if !strings.Contains(b.body, "Your password has been changed.") {
		t.Fatalf("no confirmation:\n%s", b.body)
	}

	// The new password works on this instance, the old one no longer does.
	c := newBrowser(t, app)
	c.get("/login")
	wantFailure(t, c.post("/login", loginForm(c.formToken(), "alice", "wonderland")), FailureBadCredentials)
	wantStatus(t, c.post("/login", loginForm(c.formToken(), "alice", "looking-glass")), http.StatusFound)

	// Another instance keeps its own user table.
	other := newBrowser(t, newApp(t, Config{Instance: "dc-east-2"}))
	wantStatus(t, other.login(), http.StatusFound)
}

func TestChangePasswordFieldChecks(t *testing.T) {
	cases := []struct {
		name, old, nw, confirm, message, class string
	}{
		{"no current password", "", "x", "x", "The Current password field is required.", ""},
		{"no new password", "wonderland", "", "", "The New password field is required.", ""},
		{"confirmation differs", "wonderland", "a", "b", "The new password and confirmation password do not match.", ""},
		{"wrong current password", "nope", "a", "a", "Incorrect password.", FailureBadCredentials},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := newBrowser(t, newApp(t, Config{}))
			b.login()
			b.get("/account/password")
			resp := b.post("/account/password", passwordForm(b.formToken(), tc.old, tc.nw, tc.confirm))
			wantStatus(t, resp, http.StatusOK)
			wantFailure(t, resp, tc.class)
			if !strings.Contains(b.body, tc.message) {
				t.Errorf("body lacks %q", tc.message)
			}
			// The form comes back with a usable token.
			resp = b.post("/account/password", passwordForm(b.formToken(), "wonderland", "wonderland", "wonderland"))
			wantStatus(t, resp, http.StatusOK)
			if !strings.Contains(b.body, "Your password has been changed.") {
				t.Error("retry with the re-shown form failed")
			}
		})
	}
}

func TestChangePasswordChecksSessionBeforeTokens(t *testing.T) {
	b := newBrowser(t, newApp(t, Config{}))
	resp := b.get("/account/password")
	wantFailure(t, resp, FailureSessionMissing)
	wantLocation(t, resp, "/login?ReturnUrl=%2Faccount%2Fpassword")

	resp = b.post("/account/password", passwordForm("", "a", "b", "b"))
	wantStatus(t, resp, http.StatusFound)
	wantFailure(t, resp, FailureSessionMissing)
}

func TestChangePasswordValidatesTokens(t *testing.T) {
	b := newBrowser(t, newApp(t, Config{}))
	b.login()
	b.get("/account/password")
	resp := b.post("/account/password", passwordForm("", "wonderland", "x", "x"))
	wantStatus(t, resp, http.StatusInternalServerError)
	wantFailure(t, resp, FailureMissingField)
}

// The login page's form token is issued to the anonymous user; ASP.NET
// refuses it once the request belongs to alice.
func TestChangePasswordRejectsAFormTokenIssuedToAnotherUser(t *testing.T) {
	b := newBrowser(t, newApp(t, Config{}))
	b.get("/login")
	anonymous := b.formToken()
	b.post("/login", loginForm(anonymous, "alice", "wonderland"))
	resp := b.post("/account/password", passwordForm(anonymous, "wonderland", "x", "x"))
	wantStatus(t, resp, http.StatusInternalServerError)
	wantFailure(t, resp, FailureMismatch)
	if !strings.Contains(b.body, "meant for user") {
		t.Errorf("body lacks ASP.NET's user mismatch message:\n%s", b.body)
	}
}
