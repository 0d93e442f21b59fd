package replaytest

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// AntiForgeryCookie is the incident's anti-forgery cookie name.
const AntiForgeryCookie = "__RequestVerificationToken_L1ZQQw2"

// Messages as ASP.NET words them.
const (
	msgMissingCookie = `The required anti-forgery cookie "__RequestVerificationToken_L1ZQQw2" is not present.`
	msgMissingField  = `The required anti-forgery form field "__RequestVerificationToken" is not present.`
	msgUndecryptable = `The anti-forgery token could not be decrypted. If this application is hosted by a Web Farm or cluster, ensure that all machines are running the same version of ASP.NET Web Pages and that the <machineKey> configuration specifies explicit encryption and validation keys. AutoGenerate cannot be used in a cluster.`
	msgMismatch      = `The anti-forgery cookie token and form field token do not match.`
	msgBadLogin      = `Invalid user name or password.`
)

func (e *Edge) key(dc, inst string) string {
	if e.cfg.SharedKey {
		return "shared"
	}
	return dc
}

func (e *Edge) newID(prefix string) string {
	e.seq++
	return prefix + strconv.Itoa(e.seq)
}

func (e *Edge) fail(w http.ResponseWriter, class string, status int, body string) {
	if !e.cfg.NoFailureHeader {
		w.Header().Set("X-Stickylab-Failure", class)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<html><body><h1>Error</h1><p>%s</p></body></html>", html.EscapeString(body))
}

// token returns the anti-forgery cookie token this instance can read,
// issuing a new one when the client has none it can decrypt.
func (e *Edge) token(w http.ResponseWriter, r *http.Request, key string) string {
	if c, err := r.Cookie(AntiForgeryCookie); err == nil && strings.HasPrefix(c.Value, key+".") {
		return c.Value
	}
	t := key + "." + e.newID("t")
	e.setCookie(w, r, AntiForgeryCookie, t)
	return t
}

func (e *Edge) page(w http.ResponseWriter, title, body string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, "<!doctype html><html><head><title>%s</title></head><body>%s</body></html>", title, body)
}

func (e *Edge) form(action, token, fields string) string {
	return fmt.Sprintf(`<form method="post" action="%s"><input name="__RequestVerificationToken" type="hidden" value="%s" />%s<button>Submit</button></form>`,
		action, html.EscapeString(token+".f"), fields)
}

const loginFields = `<input name="UserName" type="text" /><input name="Password" type="password" />`

func (e *Edge) app(w http.ResponseWriter, r *http.Request, dc, inst string) {
	key := e.key(dc, inst)
	switch r.Method + " " + r.URL.Path {
	case "GET /login":
		t := e.token(w, r, key)
		e.page(w, "Log in", e.form("/login", t, loginFields))
	case "POST /login":
		if !e.antiforgery(w, r, key) {
			return
		}
		if r.PostForm.Get("UserName") != "alice" || r.PostForm.Get("Password") != "wonderland" {
			if !e.cfg.NoFailureHeader {
				w.Header().Set("X-Stickylab-Failure", "bad-credentials")
			}
			e.page(w, "Log in", "<p>"+msgBadLogin+"</p>"+e.form("/login", e.token(w, r, key), loginFields))
			return
		}
		sid := e.newID("s")
		if e.sessions[inst] == nil {
			e.sessions[inst] = map[string]bool{}
		}
		e.sessions[inst][sid] = true
		e.setCookie(w, r, "ASP.NET_SessionId", sid)
		e.setCookie(w, r, "authenKey", e.newID("k"))
		http.Redirect(w, r, "/account", http.StatusFound)
	case "GET /account", "GET /account/password", "POST /account/password":
		if !e.session(r, inst) {
			if !e.cfg.NoFailureHeader {
				w.Header().Set("X-Stickylab-Failure", "session-missing")
			}
			http.Redirect(w, r, "/login?ReturnUrl="+url.QueryEscape(r.URL.Path), http.StatusFound)
			return
		}
		e.account(w, r, key)
	default:
		http.NotFound(w, r)
	}
}

func (e *Edge) account(w http.ResponseWriter, r *http.Request, key string) {
	switch r.Method + " " + r.URL.Path {
	case "GET /account":
		e.page(w, "Account", "<p>Welcome alice</p>")
	case "GET /account/password":
		t := e.token(w, r, key)
		e.page(w, "Change password", e.form("/account/password", t,
			`<input name="OldPassword" type="password" /><input name="NewPassword" type="password" /><input name="ConfirmPassword" type="password" />`))
	case "POST /account/password":
		if e.antiforgery(w, r, key) {
			e.page(w, "Password", "<p>Your password has been changed.</p>")
		}
	}
}

func (e *Edge) session(r *http.Request, inst string) bool {
	c, err := r.Cookie("ASP.NET_SessionId")
	return err == nil && e.sessions[inst][c.Value]
}

// antiforgery validates in ASP.NET's order and answers the failure itself.
func (e *Edge) antiforgery(w http.ResponseWriter, r *http.Request, key string) bool {
	_ = r.ParseForm()
	c, err := r.Cookie(AntiForgeryCookie)
	field := r.PostForm.Get("__RequestVerificationToken")
	switch {
	case err != nil:
		e.fail(w, "antiforgery-missing-cookie", http.StatusInternalServerError, msgMissingCookie)
	case field == "":
		e.fail(w, "antiforgery-missing-field", http.StatusInternalServerError, msgMissingField)
	case !strings.HasPrefix(c.Value, key+".") || !strings.HasPrefix(field, key+"."):
		e.fail(w, "antiforgery-undecryptable", http.StatusInternalServerError, msgUndecryptable)
	case field != c.Value+".f":
		e.fail(w, "antiforgery-mismatch", http.StatusInternalServerError, msgMismatch)
	default:
		return true
	}
	return false
}
