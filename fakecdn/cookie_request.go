package fakecdn

import (
	"net/http"
	"net/textproto"
	"strings"
)

// maxRequestCookies is net/http's default limit: a request with more
// cookies has none (GODEBUG httpcookiemaxnum left aside).
const maxRequestCookies = 3000

// requestCookie is r.Cookie(name).Value without parsing every cookie of the
// request into its own allocation: the persistence cookie is read on every
// request. FuzzRequestCookie holds it to r.Cookie.
func requestCookie(r *http.Request, name string) (string, bool) {
	lines := r.Header["Cookie"]
	if len(lines) == 0 || !isToken(name) {
		return "", false
	}
	n := 0
	for _, line := range lines {
		n += strings.Count(line, ";") + 1
	}
	if n > maxRequestCookies {
		return "", false
	}
	for _, line := range lines {
		for part := range strings.SplitSeq(line, ";") {
			k, v, _ := strings.Cut(textproto.TrimString(part), "=")
			if textproto.TrimString(k) != name {
				continue
			}
			if v, ok := cookieValueOf(v); ok {
				return v, true
			}
		}
	}
	return "", false
}

// cookieValueOf strips a value's double quotes and checks its bytes, as
// net/http does when it reads a request cookie.
func cookieValueOf(v string) (string, bool) {
	if len(v) > 1 && v[0] == '"' && v[len(v)-1] == '"' {
		v = v[1 : len(v)-1]
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c >= 0x7f || c == '"' || c == ';' || c == '\\' {
			return "", false
		}
	}
	return v, true
}
