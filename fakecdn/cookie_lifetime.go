package fakecdn

import (
	"strconv"
	"strings"
	"time"
)

// Request-cookie letters for a cookie past its lifetime (HAProxy's E and O).
// Either is treated as absent: the request is balanced afresh and pinned
// with a new cookie.
const (
	statusExpired = 'E' // last use older than cookie.max_idle
	statusOld     = 'O' // first issue older than cookie.max_life
)

// cookieLife is the server-side lifetime of the persistence cookie, as
// HAProxy's "cookie ... maxidle maxlife": with either set, the value carries
// its first and last dates ("<value>|<first>|<last>", Unix milliseconds in
// base 36), so the LB itself, not only the browser's Max-Age, ends a pin.
// The client's clock plays no part.
type cookieLife struct {
	maxIdle, maxLife time.Duration
}

type cookieDates struct{ first, last time.Time }

func (l cookieLife) dated() bool { return l.maxIdle > 0 || l.maxLife > 0 }

// stamp appends the dates to a codec value when a lifetime is configured.
func (l cookieLife) stamp(v string, first, last time.Time) string {
	if !l.dated() {
		return v
	}
	return v + "|" + strconv.FormatInt(first.UnixMilli(), 36) + "|" + strconv.FormatInt(last.UnixMilli(), 36)
}

// split separates the codec value from its dates. A value without dates
// (issued before a lifetime was configured) has zero dates and is accepted,
// as HAProxy accepts one.
func (l cookieLife) split(v string) (string, cookieDates) {
	if !l.dated() {
		return v, cookieDates{}
	}
	rest, lastS, ok := cut2(v)
	if !ok {
		return v, cookieDates{}
	}
	value, firstS, ok := cut2(rest)
	if !ok {
		return v, cookieDates{}
	}
	first, err1 := strconv.ParseInt(firstS, 36, 64)
	last, err2 := strconv.ParseInt(lastS, 36, 64)
	if err1 != nil || err2 != nil {
		return v, cookieDates{}
	}
	return value, cookieDates{first: time.UnixMilli(first), last: time.UnixMilli(last)}
}

func cut2(v string) (before, after string, ok bool) {
	i := strings.LastIndexByte(v, '|')
	if i < 0 {
		return "", "", false
	}
	return v[:i], v[i+1:], true
}

// status is statusValid, or E/O for dates past max_idle/max_life (O wins,
// as in HAProxy, which checks maxlife after maxidle).
func (l cookieLife) status(d cookieDates, now time.Time) byte {
	st := byte(statusValid)
	if l.maxIdle > 0 && !d.last.IsZero() && now.Sub(d.last) > l.maxIdle {
		st = statusExpired
	}
	if l.maxLife > 0 && !d.first.IsZero() && now.Sub(d.first) > l.maxLife {
		st = statusOld
	}
	return st
}
