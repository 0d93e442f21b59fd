package fakecdn

import (
	"net/http"
	"strings"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// The access log's cookie field is the last two characters of HAProxy's
// HTTP termination state, with the meanings HAProxy's configuration manual
// gives them (section 8.5, "Session state at disconnection"; the letters
// are HAProxy's sess_cookie "NIDVEOU" and sess_set_cookie "NPDIRU").
//
// Third character, the persistence cookie the client provided:
//
//	N  the client provided NO cookie
//	I  the client provided an INVALID cookie matching no known server (for
//	   fakecdn: undecodable, or another LB's, e.g. another datacenter's)
//	D  the client provided a cookie designating a server which was DOWN
//	   (redispatched, or refused under on_member_down: strict)
//	V  the client provided a VALID cookie and was sent to that server
//	E  a valid cookie whose last date is older than "maxidle": EXPIRED
//	O  a valid cookie whose first date is older than "maxlife": too OLD
//	U  a cookie was present but not used to select the server because
//	   another mechanism chose it (for fakecdn: passthrough_single)
//	-  does not apply: no cookie in the configuration (persistence none or
//	   source-ip)
//
// Fourth character, what happened to the cookie in the response:
//
//	N  NO cookie was provided by the server, and none was inserted
//	I  the proxy INSERTED one (in insert mode even over the server's own)
//	U  the proxy UPDATED the date in the client's cookie ("maxidle")
//	P  a cookie was PROVIDED by the server and transmitted as-is
//	R  the server's cookie was REWRITTEN ("rewrite" or "prefix" mode)
//	D  the server's cookie was DELETED by the proxy
//	-  does not apply: no cookie in the configuration
//
// fakecdn's cookies carry dates only with cookie.max_idle or max_life
// (cookie_lifetime.go): then E and O occur, and U when max_idle moves the
// last-use date of a valid cookie. Otherwise the ttl is enforced by the
// client through Max-Age. It inserts and never rewrites or deletes a
// member's cookie, so R and D never occur.
const (
	cookieNotApplicable = '-'
	cookieUnused        = 'U' // request side: present, passthrough chose
	setCookieNone       = 'N'
	setCookieInserted   = 'I'
	setCookieUpdated    = 'U'
	setCookieProvided   = 'P'
)

// insertCookie adds the decision's persistence cookie to a member's
// response and records the response-side letter. With cookie.nocache it
// also marks the response private, as HAProxy's "nocache" does, so that a
// shared cache between the client and the LB never hands one user's pin to
// everybody (unless the response is already uncacheable).
func (s *snapshot) insertCookie(h http.Header, d *decision) {
	switch {
	case d.setCookie != "" && !s.appCookieSet(h):
		d.response = setCookieNone // AWS application-based: only beside a new app cookie
	case d.setCookie != "":
		for _, c := range strings.Split(d.setCookie, cookieSeparator) {
			h.Add("Set-Cookie", c)
		}
		d.response = setCookieInserted
		if d.status == statusValid {
			d.response = setCookieUpdated
		}
		if s.cfg.Cookie.NoCache && cacheable(h) {
			h.Add("Cache-Control", "private")
		}
	case s.cfg.Persistence == policy.PersistCookie && providesCookie(h, s.cfg.Cookie.Name):
		d.response = setCookieProvided
	default:
		d.response = setCookieNone
	}
}

// cacheable reports whether a shared cache may store the response as it is.
func cacheable(h http.Header) bool {
	for _, v := range h.Values("Cache-Control") {
		for _, dir := range strings.Split(v, ",") {
			switch strings.ToLower(strings.TrimSpace(dir)) {
			case "private", "no-store", "no-cache":
				return false
			}
		}
	}
	return true
}

// appCookieSet reports whether the response may carry the LB's cookie under
// cookie.app_cookie: only when the app sets that cookie (always without it).
func (s *snapshot) appCookieSet(h http.Header) bool {
	return s.cfg.Cookie.AppCookie == "" || providesCookie(h, s.cfg.Cookie.AppCookie)
}

func providesCookie(h http.Header, name string) bool {
	for _, v := range h.Values("Set-Cookie") {
		if len(v) > len(name) && v[len(name)] == '=' && strings.HasPrefix(v, name) {
			return true
		}
	}
	return false
}

// cookieLetters is the access log's two-letter cookie status of r.
func cookieLetters(r *http.Request, s *snapshot, d *decision) string {
	if s.cfg.Persistence != policy.PersistCookie {
		return "--"
	}
	req := d.status
	if d.reason == ReasonPassthrough {
		if _, ok := requestCookie(r, s.cfg.Cookie.Name); ok {
			req = cookieUnused
		}
	}
	resp := d.response
	if resp == 0 {
		resp = setCookieNone // the LB answered itself: nothing inserted
	}
	return string([]byte{req, resp})
}
