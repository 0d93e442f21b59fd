package topology

import (
	"fmt"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// Balancer engines of a datacenter tier: the lab's own fakecdn, or Debian's
// HAProxy 2.6 configured from the same policy (docs/lab.md, "HAProxy as a
// datacenter balancer").
const (
	EngineFakecdn = "fakecdn"
	EngineHAProxy = "haproxy"
)

// Engines accepted by lb.engine ("" is fakecdn).
var Engines = []string{EngineFakecdn, EngineHAProxy}

// HAProxy reports whether the tier runs on HAProxy.
func (t Tier) HAProxy() bool { return t.Engine == EngineHAProxy }

// withEngineDefaults gives an HAProxy tier the one codec HAProxy has: the
// server's name in clear (cookie insert with "cookie <name>" on each
// server). Written before the generic defaults, which would pick
// f5-encrypted.
func (t Tier) withEngineDefaults() Tier {
	if t.HAProxy() && t.Cookie.Codec == "" {
		t.Cookie.Codec = policy.CodecPlain
	}
	return t
}

// edgeEngine rejects another engine at the edge: the edge is the CDN, with
// steering, TLS and decision headers only fakecdn has.
func (v *validator) edgeEngine(engine string) {
	if engine != "" && engine != EngineFakecdn {
		v.add("edge.engine", "%q: the edge is always fakecdn; engine applies to a datacenter's lb", engine)
	}
}

// engine rejects what HAProxy cannot express, each problem naming its field
// and value, so that an haproxy tier never silently runs another policy.
func (v *validator) engine(p string, t Tier) {
	if t.Engine == "" || t.Engine == EngineFakecdn {
		return
	}
	v.oneOf(p+".engine", t.Engine, Engines)
	if !t.HAProxy() {
		return
	}
	no := func(field, value, why string) {
		v.add(p+"."+field, "%s with engine haproxy: %s", value, why)
	}
	if t.Persistence == policy.PersistSourceIP {
		no(policy.FieldPersistence, "source-ip", "not built for haproxy (a stick table on the edge's address would pin every client alike); use cookie or none")
	}
	if t.Cookie.Codec != policy.CodecPlain {
		no("cookie.codec", string(t.Cookie.Codec), "HAProxy's inserted cookie carries the server's name in clear; only codec plain")
	}
	if t.Undecodable != policy.Reissue {
		no(policy.FieldUndecodable, string(t.Undecodable), "HAProxy ignores a cookie naming no server and inserts a new one (reissue); it cannot refuse the request")
	}
	if t.OnMemberDown != policy.Failover {
		no(policy.FieldOnMemberDown, string(t.OnMemberDown), "HAProxy's option redispatch re-pins to a healthy server (failover); there is no equivalent")
	}
	if On(t.PassthroughSingle, false) {
		no("passthrough_single", "true", "HAProxy inserts its cookie whatever the number of healthy servers")
	}
	v.engineVendor(p, t, no)
}

// engineVendor rejects vendor behaviour: HAProxy is a vendor of its own.
func (v *validator) engineVendor(p string, t Tier, no func(field, value, why string)) {
	const why = "a vendor behaviour fakecdn emulates; HAProxy has no such setting"
	if t.FillsCookie() {
		no("profile", t.Profile, why)
	}
	for _, f := range []struct{ field, value string }{
		{"session_affinity", t.SessionAffinity},
		{"zero_downtime_failover", t.ZeroDowntimeFailover},
		{"cookie.app_cookie", t.Cookie.AppCookie},
		{"cookie.expiry", t.Cookie.Expiry},
		{"cookie.expires_at", t.Cookie.ExpiresAt},
		{"cookie.salt", t.Cookie.Salt},
	} {
		if f.value != "" {
			no(f.field, fmt.Sprintf("%q", f.value), why)
		}
	}
	if t.DrainDuration != 0 {
		no("drain_duration", t.DrainDuration.String(), why)
	}
	if len(t.FailoverStatusCodes) > 0 || t.FailoverAttempts != 0 {
		no("failover_status_codes", fmt.Sprint(t.FailoverStatusCodes), why)
	}
	if t.Cookie.CORS != nil && *t.Cookie.CORS {
		no("cookie.cors", "true", why)
	}
}
