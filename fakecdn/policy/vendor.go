package policy

import (
	"fmt"
	"slices"
	"time"
)

// Vendor is a tier's CDN/load-balancer vendor behaviour (docs/vendors.md):
// a profile that sets the vendor's documented defaults, and the vendor's own
// knobs. Any field written explicitly overrides the profile.
type Vendor struct {
	// Profile: generic | akamai-alb | cloudflare | aws-alb.
	Profile string `yaml:"profile,omitempty" json:"profile,omitempty"`
	// SessionAffinity (Cloudflare): none | cookie | ip_cookie | header; when
	// set it decides persistence (and selection for ip_cookie).
	SessionAffinity string `yaml:"session_affinity,omitempty" json:"session_affinity,omitempty"`
	// ZeroDowntimeFailover (Cloudflare): none | temporary | sticky.
	ZeroDowntimeFailover string `yaml:"zero_downtime_failover,omitempty" json:"zero_downtime_failover,omitempty"`
	// DrainDuration (Cloudflare): how long a draining endpoint keeps its sessions.
	DrainDuration Duration `yaml:"drain_duration,omitempty" json:"drain_duration,omitempty"`
	// FailoverStatusCodes and FailoverAttempts (Akamai ALB): origin failover.
	FailoverStatusCodes []int `yaml:"failover_status_codes,omitempty" json:"failover_status_codes,omitempty"`
	FailoverAttempts    int   `yaml:"failover_attempts,omitempty" json:"failover_attempts,omitempty"`
}

// Vendor profiles.
const (
	ProfileGeneric    = "generic"
	ProfileAkamaiALB  = "akamai-alb"
	ProfileCloudflare = "cloudflare"
	ProfileAWSALB     = "aws-alb"
)

// Akamai ALB cookie expiries that change validation.
const (
	ExpiryFixedDate = "FIXED_DATE"
	ExpiryDuration  = "DURATION"
)

// Vendor vocabularies (docs/vendors.md gives the source of each).
var (
	Profiles              = []string{ProfileGeneric, ProfileAkamaiALB, ProfileCloudflare, ProfileAWSALB}
	SessionAffinities     = []string{"none", "cookie", "ip_cookie", "header"}
	ZeroDowntimeFailovers = []string{"none", string(Temporary), "sticky"}
	CookieExpiries        = []string{"NONE", "NEVER", "ON_BROWSER_CLOSE", ExpiryFixedDate, ExpiryDuration, "ORIGIN_SESSION"}
	SameSites             = []string{"Lax", "Strict", "None"}
	Steerings             = []string{"per-request", SteeringDNS}
)

// SteeringDNS is GTM-style steering (docs/analysis.md).
const SteeringDNS = "dns"

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

// FillsCookie reports whether v's profile chooses the cookie's name and
// codec itself (fakecdn fills them from the profile).
func (v Vendor) FillsCookie() bool { return v.Profile != "" && v.Profile != ProfileGeneric }

// WithAffinity is t as Cloudflare's session_affinity decides it: it is the
// vendor's name for persistence (and, for ip_cookie, the selection), so
// when set it overrides them.
func (v Vendor) WithAffinity(t Tier) Tier {
	if p, sel, ok := SessionAffinity(v.SessionAffinity); ok {
		t.Persistence = p
		if sel != "" {
			t.Selection = sel
		}
	}
	return t
}

// Validate checks the vendor fields that need no profile default, each
// problem naming its field.
func (v Vendor) Validate() ConfigError {
	var errs ConfigError
	oneOf(&errs, "profile", v.Profile, Profiles)
	optional(&errs, "session_affinity", v.SessionAffinity, SessionAffinities)
	optional(&errs, "zero_downtime_failover", v.ZeroDowntimeFailover, ZeroDowntimeFailovers)
	nonNegative(&errs, "drain_duration", v.DrainDuration)
	for i, code := range v.FailoverStatusCodes {
		if code < 100 || code > 599 {
			errs.add(fmt.Sprintf("failover_status_codes[%d]", i), "%d is not an HTTP status code", code)
		}
	}
	if v.FailoverAttempts < 0 {
		errs.add("failover_attempts", "must not be negative")
	}
	return errs
}

// withProfile fills the fields a vendor profile documents; every field set
// explicitly keeps its value. It runs before the generic defaults.
func (c Config) withProfile() Config {
	fill(&c.Profile, ProfileGeneric)
	ttl := func(d *Duration, v time.Duration) { fill(d, Duration(v)) }
	switch c.Profile {
	case ProfileCloudflare:
		fill(&c.Cookie.Name, "__cflb")
		fill(&c.Cookie.Codec, CodecCloudflare)
		c.Tier = c.WithAffinity(c.Tier)
		if c.SessionAffinity == "header" {
			ttl(&c.SourceIPTTL, cloudflareHeaderTTL)
		} else {
			ttl(&c.Cookie.TTL, cloudflareCookieTTL)
		}
		if c.ZeroDowntimeFailover == string(Temporary) {
			fill(&c.OnMemberDown, Temporary)
		}
	case ProfileAWSALB:
		if c.Cookie.AppCookie != "" {
			fill(&c.Cookie.Name, "AWSALBAPP-0")
		} else {
			fill(&c.Cookie.Name, "AWSALB")
			ttl(&c.Cookie.TTL, awsCookieTTL)
			fill(&c.Cookie.CORS, Ptr(true))
		}
		fill(&c.Cookie.Codec, CodecAWSALB)
	case ProfileAkamaiALB:
		fill(&c.Cookie.Name, "__akaalb_"+c.Name)
		fill(&c.Cookie.Codec, CodecAkamaiALB)
		fill(&c.Cookie.Expiry, "ON_BROWSER_CLOSE")
		if c.FailoverStatusCodes == nil {
			c.FailoverStatusCodes = slices.Clone(akamaiFailoverCodes)
		}
		fill(&c.FailoverAttempts, akamaiFailoverAttempts)
	}
	if len(c.FailoverStatusCodes) > 0 {
		fill(&c.FailoverAttempts, 1) // codes alone: try one other member
	}
	return c
}

// validateRanges checks the values a profile documents a range for; it
// runs on a configuration with the profile's defaults.
func (c Config) validateRanges() ConfigError {
	var errs ConfigError
	inRange := func(field string, d Duration, lo, hi time.Duration) {
		if d.Std() < lo || d.Std() > hi {
			errs.add(field, "%s is outside the documented range %s to %s", d.Std(), lo, hi)
		}
	}
	switch {
	case c.Profile == ProfileCloudflare && c.SessionAffinity == "header":
		inRange("source_ip_ttl", c.SourceIPTTL, cloudflareHeaderTTLMin, cloudflareHeaderTTLMax)
		if c.SelectionHeader == "" {
			errs.add("selection_header", "session_affinity header needs the header to key sessions on")
		}
	case c.Profile == ProfileCloudflare && c.Persistence == PersistCookie:
		inRange("cookie.ttl", c.Cookie.TTL, cloudflareCookieTTLMin, cloudflareCookieTTLMax)
	case c.Profile == ProfileAWSALB && c.Cookie.AppCookie == "":
		inRange("cookie.ttl", c.Cookie.TTL, awsCookieTTLMin, awsCookieTTLMax)
	}
	return errs
}

// validateSteering checks steering, dns_ttl and resolver_header.
func (c Config) validateSteering() ConfigError {
	var errs ConfigError
	optional(&errs, "steering", c.Steering, Steerings)
	nonNegative(&errs, "dns_ttl", c.DNSTTL)
	if c.DNSTTL > 0 && c.Steering != SteeringDNS {
		errs.add("dns_ttl", "only applies with steering: dns")
	}
	return errs
}

func validDate(s string) bool {
	_, err := time.Parse(time.RFC3339, s)
	return err == nil
}
