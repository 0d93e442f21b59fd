package plan

import (
	"time"

	"github.com/stickylab/stickylab/lab/topology"
)

// vendorConfig is the vendor part of fakecdn's configuration
// (docs/vendors.md), inlined in the rendered file; every field is omitted
// when unset so that fakecdn applies the profile's default.
type vendorConfig struct {
	Profile              string `yaml:"profile,omitempty"`
	SessionAffinity      string `yaml:"session_affinity,omitempty"`
	ZeroDowntimeFailover string `yaml:"zero_downtime_failover,omitempty"`
	DrainDuration        string `yaml:"drain_duration,omitempty"`
	FailoverStatusCodes  []int  `yaml:"failover_status_codes,omitempty"`
	FailoverAttempts     int    `yaml:"failover_attempts,omitempty"`
	Steering             string `yaml:"steering,omitempty"`
	DNSTTL               string `yaml:"dns_ttl,omitempty"`
	TrustClientIP        bool   `yaml:"trust_client_ip,omitempty"`
}

// cookieVendor is the cookie's lifetime and vendor attributes.
type cookieVendor struct {
	MaxIdle   string `yaml:"max_idle,omitempty"`
	MaxLife   string `yaml:"max_life,omitempty"`
	SameSite  string `yaml:"samesite,omitempty"`
	CORS      *bool  `yaml:"cors,omitempty"`
	AppCookie string `yaml:"app_cookie,omitempty"`
	Expiry    string `yaml:"expiry,omitempty"`
	ExpiresAt string `yaml:"expires_at,omitempty"`
	Salt      string `yaml:"salt,omitempty"`
}

// dur renders a duration for fakecdn, "" (omitted) when zero.
func dur(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return d.String()
}

func renderVendor(v topology.Vendor, s topology.EdgeSteering) vendorConfig {
	out := vendorConfig{
		Profile: v.Profile, SessionAffinity: v.SessionAffinity, ZeroDowntimeFailover: v.ZeroDowntimeFailover,
		DrainDuration: dur(v.DrainDuration), FailoverStatusCodes: v.FailoverStatusCodes, FailoverAttempts: v.FailoverAttempts,
		Steering: s.Steering, TrustClientIP: s.TrustClientIP,
	}
	if s.Steering == "dns" {
		out.DNSTTL = dur(s.DNSTTL)
	}
	return out
}

func renderCookieVendor(c topology.CookieLife) cookieVendor {
	return cookieVendor{
		MaxIdle: dur(c.MaxIdle), MaxLife: dur(c.MaxLife), SameSite: c.SameSite, CORS: c.CORS,
		AppCookie: c.AppCookie, Expiry: c.Expiry, ExpiresAt: c.ExpiresAt, Salt: c.Salt,
	}
}
