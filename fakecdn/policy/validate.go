package policy

import "strings"

// Wire names of the policy fields that other packages' errors name (the
// HAProxy tier's validation, its admin shim).
const (
	FieldSelection    = "selection"
	FieldPersistence  = "persistence"
	FieldUndecodable  = "undecodable"
	FieldOnMemberDown = "on_member_down"
)

// Validate checks the policy fields, each problem naming its field as the
// configuration file does ("cookie.codec"). Selections and codecs must be
// registered. A cookie name and codec left empty are accepted when v's
// vendor profile fills them (fakecdn does; the topology leaves them).
func (t Tier) Validate(v Vendor) ConfigError {
	var errs ConfigError
	oneOf(&errs, FieldSelection, t.Selection, Selections())
	oneOf(&errs, FieldPersistence, t.Persistence, Persistences)
	oneOf(&errs, FieldUndecodable, t.Undecodable, Undecodables)
	oneOf(&errs, FieldOnMemberDown, t.OnMemberDown, MemberDowns)
	if t.Selection == ConsistentHash && t.HashCookie == "" {
		errs.add("hash_cookie", "must name a cookie when selection is consistent-hash")
	}
	fills := v.FillsCookie()
	if (t.Cookie.Name != "" || !fills) && (t.Cookie.Name == "" || strings.ContainsAny(t.Cookie.Name, " ;=,\t\r\n\"")) {
		errs.add("cookie.name", "%q is not a cookie name", t.Cookie.Name)
	}
	if t.Cookie.Codec != "" || !fills {
		oneOf(&errs, "cookie.codec", t.Cookie.Codec, Codecs())
	}
	nonNegative(&errs, "cookie.ttl", t.Cookie.TTL)
	nonNegative(&errs, "source_ip_ttl", t.SourceIPTTL)
	return append(errs, t.Cookie.validate()...)
}

// validate checks the cookie's lifetime and vendor attributes.
func (k Cookie) validate() ConfigError {
	var errs ConfigError
	nonNegative(&errs, "cookie.max_idle", k.MaxIdle)
	nonNegative(&errs, "cookie.max_life", k.MaxLife)
	optional(&errs, "cookie.samesite", k.SameSite, SameSites)
	if k.SameSite == "None" && k.Secure != nil && !*k.Secure {
		errs.add("cookie.samesite", "None needs the Secure attribute; browsers drop it otherwise")
	}
	if k.AppCookie != "" && !ValidCookieName(k.AppCookie) {
		errs.add("cookie.app_cookie", "%q is not a cookie name", k.AppCookie)
	}
	optional(&errs, "cookie.expiry", k.Expiry, CookieExpiries)
	switch k.Expiry {
	case ExpiryFixedDate:
		if !validDate(k.ExpiresAt) {
			errs.add("cookie.expires_at", "%q is not an RFC 3339 date (needed by expiry FIXED_DATE)", k.ExpiresAt)
		}
	case ExpiryDuration:
		if k.TTL <= 0 {
			errs.add("cookie.ttl", "expiry DURATION needs a ttl > 0")
		}
	}
	return errs
}

// ValidCookieName reports whether n may name a cookie: an HTTP token
// (RFC 6265, RFC 9110's tchar), as net/http's Cookie.Valid checks it.
func ValidCookieName(n string) bool {
	if n == "" {
		return false
	}
	for _, c := range []byte(n) {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}
