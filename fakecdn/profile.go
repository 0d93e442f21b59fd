package fakecdn

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// Vendor vocabularies accepted by Config (docs/vendors.md gives the source
// of each).
var (
	Profiles              = []string{"generic", "akamai-alb", "cloudflare", "aws-alb"}
	SessionAffinities     = []string{"none", "cookie", "ip_cookie", "header"}
	ZeroDowntimeFailovers = []string{"none", "temporary", "sticky"}
	AkamaiExpiries        = []string{"NONE", "NEVER", "ON_BROWSER_CLOSE", "FIXED_DATE", "DURATION", "ORIGIN_SESSION"}
	SameSites             = []string{"Lax", "Strict", "None"}
)

// Documented vendor defaults and ranges.
const (
	cloudflareCookieTTL    = 82800 * time.Second // 23 h
	cloudflareCookieTTLMin = 1800 * time.Second
	cloudflareCookieTTLMax = 604800 * time.Second
	cloudflareHeaderTTL    = 1800 * time.Second
	cloudflareHeaderTTLMin = 30 * time.Second
	cloudflareHeaderTTLMax = 3600 * time.Second
	awsCookieTTL           = 86400 * time.Second // 1 day
	awsCookieTTLMin        = time.Second
	awsCookieTTLMax        = 7 * 24 * time.Hour
	akamaiFailoverAttempts = 5
)

// akamaiFailoverCodes is the Cloudlet's default failover_status_codes.
var akamaiFailoverCodes = []int{500, 501, 502, 503, 504, 505, 506, 507, 508, 509}

// withProfile fills the fields a vendor profile documents; every field set
// explicitly keeps its value. It runs before the generic defaults.
func (c Config) withProfile() Config {
	if c.Profile == "" {
		c.Profile = "generic"
	}
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	defDur := func(d *Duration, v time.Duration) {
		if *d == 0 {
			*d = Duration(v)
		}
	}
	switch c.Profile {
	case "cloudflare":
		def(&c.Cookie.Name, "__cflb")
		def(&c.Cookie.Codec, "cloudflare")
		c = c.withSessionAffinity()
		if c.SessionAffinity == "header" {
			defDur(&c.SourceIPTTL, cloudflareHeaderTTL)
		} else {
			defDur(&c.Cookie.TTL, cloudflareCookieTTL)
		}
		if c.ZeroDowntimeFailover == "temporary" {
			def(&c.OnMemberDown, "temporary")
		}
	case "aws-alb":
		if c.Cookie.AppCookie != "" {
			def(&c.Cookie.Name, "AWSALBAPP-0")
		} else {
			def(&c.Cookie.Name, "AWSALB")
			defDur(&c.Cookie.TTL, awsCookieTTL)
			if c.Cookie.CORS == nil {
				c.Cookie.CORS = ptr(true)
			}
		}
		def(&c.Cookie.Codec, "aws-alb")
	case "akamai-alb":
		def(&c.Cookie.Name, "__akaalb_"+c.Name)
		def(&c.Cookie.Codec, "akamai-alb")
		def(&c.Cookie.Expiry, "ON_BROWSER_CLOSE")
		if c.FailoverStatusCodes == nil {
			c.FailoverStatusCodes = slices.Clone(akamaiFailoverCodes)
		}
		if c.FailoverAttempts == 0 {
			c.FailoverAttempts = akamaiFailoverAttempts
		}
	}
	if len(c.FailoverStatusCodes) > 0 && c.FailoverAttempts == 0 {
		c.FailoverAttempts = 1 // codes alone: try one other member
	}
	return c
}

// withSessionAffinity maps Cloudflare's session_affinity onto the generic
// fields: it is the vendor's name for persistence (and, for ip_cookie, the
// selection), so when set it decides them.
func (c Config) withSessionAffinity() Config {
	if p, sel, ok := policy.SessionAffinity(c.SessionAffinity); ok {
		c.Persistence = p
		if sel != "" {
			c.Selection = sel
		}
	}
	return c
}

// validateVendor checks the profile fields, each problem naming its field.
func (c Config) validateVendor() ConfigError {
	var errs ConfigError
	add, oneOf := errs.add, errs.oneOf
	oneOf("profile", c.Profile, Profiles)
	if c.SessionAffinity != "" {
		oneOf("session_affinity", c.SessionAffinity, SessionAffinities)
	}
	if c.ZeroDowntimeFailover != "" {
		oneOf("zero_downtime_failover", c.ZeroDowntimeFailover, ZeroDowntimeFailovers)
	}
	if c.DrainDuration < 0 {
		add("drain_duration", "must not be negative")
	}
	inRange := func(field string, d Duration, lo, hi time.Duration) {
		if d.Std() < lo || d.Std() > hi {
			add(field, "%s is outside the documented range %s to %s", d.Std(), lo, hi)
		}
	}
	switch {
	case c.Profile == "cloudflare" && c.SessionAffinity == "header":
		inRange("source_ip_ttl", c.SourceIPTTL, cloudflareHeaderTTLMin, cloudflareHeaderTTLMax)
		if c.SelectionHeader == "" {
			add("selection_header", "session_affinity header needs the header to key sessions on")
		}
	case c.Profile == "cloudflare" && c.Persistence == "cookie":
		inRange("cookie.ttl", c.Cookie.TTL, cloudflareCookieTTLMin, cloudflareCookieTTLMax)
	case c.Profile == "aws-alb" && c.Cookie.AppCookie == "":
		inRange("cookie.ttl", c.Cookie.TTL, awsCookieTTLMin, awsCookieTTLMax)
	}
	errs = append(errs, c.Cookie.validate()...)
	for i, code := range c.FailoverStatusCodes {
		if code < 100 || code > 599 {
			add(fmt.Sprintf("failover_status_codes[%d]", i), "%d is not an HTTP status code", code)
		}
	}
	if c.FailoverAttempts < 0 {
		add("failover_attempts", "must not be negative")
	}
	errs = append(errs, c.validateSteering()...)
	return errs
}

// validate checks the cookie's lifetime and vendor attributes.
func (k CookieConfig) validate() ConfigError {
	var errs ConfigError
	add, oneOf := errs.add, errs.oneOf
	if k.MaxIdle < 0 {
		add("cookie.max_idle", "must not be negative")
	}
	if k.MaxLife < 0 {
		add("cookie.max_life", "must not be negative")
	}
	if k.SameSite != "" {
		oneOf("cookie.samesite", k.SameSite, SameSites)
	}
	if k.SameSite == "None" && k.Secure != nil && !*k.Secure {
		add("cookie.samesite", "None needs the Secure attribute; browsers drop it otherwise")
	}
	if k.AppCookie != "" && !validCookieName(k.AppCookie) {
		add("cookie.app_cookie", "%q is not a cookie name", k.AppCookie)
	}
	if k.Expiry != "" {
		oneOf("cookie.expiry", k.Expiry, AkamaiExpiries)
	}
	switch k.Expiry {
	case "FIXED_DATE":
		if _, err := time.Parse(time.RFC3339, k.ExpiresAt); err != nil {
			add("cookie.expires_at", "%q is not an RFC 3339 date (needed by expiry FIXED_DATE)", k.ExpiresAt)
		}
	case "DURATION":
		if k.TTL <= 0 {
			add("cookie.ttl", "expiry DURATION needs a ttl > 0")
		}
	}
	return errs
}

func validCookieName(n string) bool {
	return n != "" && (&http.Cookie{Name: n, Value: "x"}).Valid() == nil
}
