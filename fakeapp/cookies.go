package fakeapp

import (
	"net/http"
	"strings"
)

// Cookie names the incident's portal used.
const (
	sessionCookie  = "ASP.NET_SessionId"
	authenCookie   = "authenKey"
	paymentCookie  = "PaymentControls"
	languageCookie = "LanguageSelected___bazic444"
)

// secure says whether cookies get the Secure flag. In auto mode it follows
// the scheme the client used: TLS here, or TLS terminated by a proxy that
// says so in X-Forwarded-Proto.
func (a *App) secure(r *http.Request) bool {
	switch a.cfg.SecureCookies {
	case "always":
		return true
	case "never":
		return false
	}
	if r.TLS != nil {
		return true
	}
	proto, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Proto"), ",")
	return strings.EqualFold(strings.TrimSpace(proto), "https")
}

func (a *App) setCookie(w http.ResponseWriter, r *http.Request, name, value string) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: "/",
		HttpOnly: true, Secure: a.secure(r), SameSite: http.SameSiteLaxMode,
	})
}

func (a *App) clearCookie(w http.ResponseWriter, r *http.Request, name string) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: a.secure(r), SameSite: http.SameSiteLaxMode,
	})
}

func cookieValue(r *http.Request, name string) string {
	c, err := r.Cookie(name)
	if err != nil {
		return ""
	}
	return c.Value
}
