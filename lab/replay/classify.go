package replay

import (
	"net/url"
	"strings"
)

// classify names why a step failed: the app's X-Stickylab-Failure header
// first, then ASP.NET's wording and the shape of the response, for a real
// deployment that sends no stickylab header. It returns "" when nothing
// app-level explains the failure (the caller then says http-error).
func classify(step Step, hops []Hop, body string) string {
	for _, h := range hops {
		if h.Failure != "" {
			return h.Failure
		}
	}
	if len(hops) == 0 {
		return ""
	}
	last := hops[len(hops)-1]
	b := strings.ToLower(body)
	switch {
	case strings.Contains(b, "anti-forgery token could not be decrypted"):
		return AntiforgeryUndecryptable
	case strings.Contains(b, "anti-forgery") && strings.Contains(b, "do not match"):
		return AntiforgeryMismatch
	case strings.Contains(b, "anti-forgery cookie") && strings.Contains(b, "is not present"):
		return AntiforgeryMissingCookie
	case strings.Contains(b, "anti-forgery form field") && strings.Contains(b, "is not present"),
		strings.Contains(b, "form field") && strings.Contains(b, "is not present"):
		return AntiforgeryMissingField
	case redirectsToLogin(last) && !isLoginPath(step.Path):
		return SessionMissing
	case strings.Contains(b, "invalid user name or password"):
		return BadCredentials
	case isLoginPath(step.Path) && step.method() == "POST" && last.Status == 200 && strings.Contains(b, "username"):
		return BadCredentials // the login form again
	}
	return ""
}

func redirectsToLogin(h Hop) bool {
	if h.Status < 300 || h.Status > 399 || h.Location == "" {
		return false
	}
	u, err := url.Parse(h.Location)
	return err == nil && isLoginPath(u.Path)
}

func isLoginPath(p string) bool {
	return strings.EqualFold(strings.TrimSuffix(p, "/"), "/login")
}
