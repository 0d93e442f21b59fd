package fakecdn

import (
	"net/http"
	"testing"
)

var cookieHeaders = [][]string{
	{"lbs=abc"},
	{"a=1; lbs=!QPl+/=x; b=2"},
	{"a=1", "lbs=second-line"},
	{`lbs="quoted"`},
	{`lbs="`},
	{"lbs=bad\\value; lbs=good"},
	{" lbs = spaced ;lbs=x"},
	{"lbsx=1; xlbs=2"},
	{"lbs"},
	{"lbs=; lbs=late"},
	{"lbs=caf\xc3\xa9; lbs=ascii"},
	{""},
}

// TestRequestCookieAsRequestCookie: the persistence cookie is read as
// r.Cookie reads it.
func TestRequestCookieAsRequestCookie(t *testing.T) {
	for _, lines := range cookieHeaders {
		for _, name := range []string{"lbs", "a", "b/c"} {
			if d := compareCookie(lines, name); d != "" {
				t.Errorf("%q, %s: %s", lines, name, d)
			}
		}
	}
}

func FuzzRequestCookie(f *testing.F) {
	for _, lines := range cookieHeaders {
		f.Add(lines[0], "lbs")
	}
	f.Fuzz(func(t *testing.T, line, name string) {
		if d := compareCookie([]string{line, line}, name); d != "" {
			t.Errorf("%q, %q: %s", line, name, d)
		}
	})
}

func compareCookie(lines []string, name string) string {
	r := &http.Request{Header: http.Header{"Cookie": lines}}
	got, ok := requestCookie(r, name)
	c, err := r.Cookie(name)
	switch {
	case err != nil && ok:
		return "found " + got + ", r.Cookie finds none"
	case err == nil && (!ok || got != c.Value):
		return "found " + got + ", r.Cookie finds " + c.Value
	}
	return ""
}
