package fakecdn

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// cookieAttrs are the vendor attributes of the persistence cookie
// (docs/vendors.md): SameSite, AWS's CORS companion cookie, and Akamai's
// expiry kinds.
type cookieAttrs struct {
	sameSite  string
	cors      bool      // also set <name>CORS with SameSite=None; Secure (AWS ALB)
	expiry    string    // Akamai stickiness cookie type; "" = use ttl
	expiresAt time.Time // expiry FIXED_DATE
}

// neverAge is Akamai's NEVER: ten years, which browsers cap to their limit.
const neverAge = 10 * 365 * 24 * time.Hour

// cookieSeparator joins several Set-Cookie values in decision.setCookie: a
// header value never contains it.
const cookieSeparator = "\n"

func newCookieAttrs(k CookieConfig) cookieAttrs {
	a := cookieAttrs{sameSite: k.SameSite, cors: k.CORS != nil && *k.CORS, expiry: k.Expiry}
	if k.Expiry == "FIXED_DATE" {
		a.expiresAt, _ = time.Parse(time.RFC3339, k.ExpiresAt) // validated
	}
	return a
}

// writeExpiry writes Max-Age/Expires as the expiry kind or the ttl says;
// nothing makes a session cookie (Akamai ON_BROWSER_CLOSE, ORIGIN_SESSION).
func (c *cookiePersistence) writeExpiry(b *strings.Builder) {
	switch c.attrs.expiry {
	case "NEVER":
		writeMaxAge(b, neverAge)
	case "FIXED_DATE":
		b.WriteString("; Expires=")
		b.WriteString(c.attrs.expiresAt.UTC().Format(http.TimeFormat))
	case "ON_BROWSER_CLOSE", "ORIGIN_SESSION":
	default:
		if c.ttl > 0 {
			writeMaxAge(b, c.ttl)
		}
	}
}

func writeMaxAge(b *strings.Builder, d time.Duration) {
	b.WriteString("; Max-Age=")
	b.WriteString(strconv.FormatInt(int64(d/time.Second), 10))
	b.WriteString("; Expires=")
	b.WriteString(time.Now().Add(d).UTC().Format(http.TimeFormat))
}

// writeCORS appends AWS's companion cookie: the same value under
// <name>CORS with SameSite=None; Secure, so that cross-origin (CORS)
// requests stay sticky too.
func (c *cookiePersistence) writeCORS(b *strings.Builder, v string) {
	if !c.attrs.cors {
		return
	}
	b.WriteString(cookieSeparator)
	b.WriteString(c.name)
	b.WriteString("CORS=")
	b.WriteString(v)
	b.WriteString("; Path=/")
	c.writeExpiry(b)
	b.WriteString("; SameSite=None; Secure")
}
