package topology

import (
	"fmt"
	"time"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// Vendor is a tier's CDN/load-balancer vendor behaviour (docs/vendors.md):
// a profile that sets the vendor's documented defaults, and the vendor's own
// knobs. Any field written explicitly overrides the profile. Inlined in Tier.
type Vendor struct {
	// Profile: generic | akamai-alb | cloudflare | aws-alb.
	Profile string `yaml:"profile,omitempty" json:"profile,omitempty"`
	// SessionAffinity (Cloudflare): none | cookie | ip_cookie | header; when
	// set it decides persistence (and selection for ip_cookie).
	SessionAffinity string `yaml:"session_affinity,omitempty" json:"session_affinity,omitempty"`
	// ZeroDowntimeFailover (Cloudflare): none | temporary | sticky.
	ZeroDowntimeFailover string `yaml:"zero_downtime_failover,omitempty" json:"zero_downtime_failover,omitempty"`
	// DrainDuration (Cloudflare): how long a draining endpoint keeps its sessions.
	DrainDuration time.Duration `yaml:"drain_duration,omitempty" json:"drain_duration,omitempty"`
	// FailoverStatusCodes and FailoverAttempts (Akamai ALB): origin failover.
	FailoverStatusCodes []int `yaml:"failover_status_codes,omitempty" json:"failover_status_codes,omitempty"`
	FailoverAttempts    int   `yaml:"failover_attempts,omitempty" json:"failover_attempts,omitempty"`
}

// CookieLife is a persistence cookie's server-side lifetime and vendor
// attributes. Inlined in Cookie.
type CookieLife struct {
	// MaxIdle and MaxLife end a pin server-side (HAProxy's maxidle and
	// maxlife; log letters E and O): the cookie is then treated as absent.
	MaxIdle time.Duration `yaml:"max_idle,omitempty" json:"max_idle,omitempty"`
	MaxLife time.Duration `yaml:"max_life,omitempty" json:"max_life,omitempty"`
	// SameSite: Lax | Strict | None.
	SameSite string `yaml:"samesite,omitempty" json:"samesite,omitempty"`
	// CORS (AWS ALB) also sets <name>CORS with SameSite=None; Secure.
	CORS *bool `yaml:"cors,omitempty" json:"cors,omitempty"`
	// AppCookie (AWS ALB application-based stickiness): the app's cookie the
	// LB cookie (AWSALBAPP-0) follows.
	AppCookie string `yaml:"app_cookie,omitempty" json:"app_cookie,omitempty"`
	// Expiry (Akamai ALB): NONE | NEVER | ON_BROWSER_CLOSE | FIXED_DATE |
	// DURATION | ORIGIN_SESSION; ExpiresAt (RFC 3339) for FIXED_DATE.
	Expiry    string `yaml:"expiry,omitempty" json:"expiry,omitempty"`
	ExpiresAt string `yaml:"expires_at,omitempty" json:"expires_at,omitempty"`
	// Salt (Akamai ALB) keys the cookie's integrity check; empty: automatic.
	Salt string `yaml:"salt,omitempty" json:"salt,omitempty"`
}

// EdgeSteering is how the edge chooses a datacenter. Inlined in Edge.
type EdgeSteering struct {
	// Steering: per-request (default) | dns (GTM-style: a client's resolver
	// keeps its answer for DNSTTL; see docs/analysis.md).
	Steering string        `yaml:"steering,omitempty" json:"steering,omitempty"`
	DNSTTL   time.Duration `yaml:"dns_ttl,omitempty" json:"dns_ttl,omitempty"`
	// TrustClientIP keeps a True-Client-IP the client sent instead of
	// setting it from the peer address (Akamai's "allow clients to set True
	// Client IP header"): users behind another proxy, or replay locations
	// whose addresses a Docker port mapping hides, keep their own address.
	TrustClientIP bool `yaml:"trust_client_ip,omitempty" json:"trust_client_ip,omitempty"`
}

// Vendor vocabularies accepted by the topology file.
var (
	Profiles              = []string{"generic", "akamai-alb", "cloudflare", "aws-alb"}
	SessionAffinities     = []string{"none", "cookie", "ip_cookie", "header"}
	ZeroDowntimeFailovers = []string{"none", "temporary", "sticky"}
	CookieExpiries        = []string{"NONE", "NEVER", "ON_BROWSER_CLOSE", "FIXED_DATE", "DURATION", "ORIGIN_SESSION"}
	SameSites             = []string{"Lax", "Strict", "None"}
	Steerings             = []string{"per-request", "dns"}
)

// vendorProfile reports whether t's profile chooses the cookie's name and
// codec itself: then the generic defaults leave them to fakecdn, which
// fills them from the profile.
func (t Tier) vendorProfile() bool { return t.Profile != "" && t.Profile != "generic" }

// withVendorDefaults applies what the lab itself must know of a profile:
// session_affinity decides persistence (the expected-failure model reads it).
func (t Tier) withVendorDefaults() Tier {
	if t.Profile == "" {
		t.Profile = "generic"
	}
	if p, sel, ok := policy.SessionAffinity(t.SessionAffinity); ok {
		t.Persistence = p
		if sel != "" {
			t.Selection = sel
		}
	}
	return t
}

func (v *validator) vendor(p string, t Tier) {
	v.oneOf(p+".profile", t.Profile, Profiles)
	opt := func(field, value string, allowed []string) {
		if value != "" {
			v.oneOf(p+"."+field, value, allowed)
		}
	}
	opt("session_affinity", t.SessionAffinity, SessionAffinities)
	opt("zero_downtime_failover", t.ZeroDowntimeFailover, ZeroDowntimeFailovers)
	opt("cookie.expiry", t.Cookie.Expiry, CookieExpiries)
	opt("cookie.samesite", t.Cookie.SameSite, SameSites)
	if t.DrainDuration < 0 {
		v.add(p+".drain_duration", "%s must not be negative", t.DrainDuration)
	}
	if t.Cookie.MaxIdle < 0 {
		v.add(p+".cookie.max_idle", "%s must not be negative", t.Cookie.MaxIdle)
	}
	if t.Cookie.MaxLife < 0 {
		v.add(p+".cookie.max_life", "%s must not be negative", t.Cookie.MaxLife)
	}
	for i, c := range t.FailoverStatusCodes {
		if c < 100 || c > 599 {
			v.add(fmt.Sprintf("%s.failover_status_codes[%d]", p, i), "%d is not an HTTP status code", c)
		}
	}
}

func (v *validator) steering(s EdgeSteering) {
	if s.Steering != "" {
		v.oneOf("edge.steering", s.Steering, Steerings)
	}
	if s.DNSTTL < 0 {
		v.add("edge.dns_ttl", "%s must not be negative", s.DNSTTL)
	}
	if s.DNSTTL > 0 && s.Steering != "dns" {
		v.add("edge.dns_ttl", "only applies with steering: dns")
	}
}
