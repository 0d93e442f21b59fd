package topology

import (
	"slices"
	"time"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// Default returns the incident: two equal datacenters of two instances each.
func Default() Topology {
	return Topology{
		Name: "seed-incident",
		Datacenters: []Datacenter{
			{Name: "dc-east"},
			{Name: "dc-west"},
		},
	}.WithDefaults()
}

// WithDefaults returns a copy with every unset field set to its default.
func (t Topology) WithDefaults() Topology {
	if t.Name == "" {
		t.Name = "stickylab"
	}
	t.Edge = t.Edge.withDefaults()
	dcs := make([]Datacenter, len(t.Datacenters))
	for i, dc := range t.Datacenters {
		dcs[i] = dc.withDefaults()
	}
	t.Datacenters = dcs
	var notices []string
	t.Redis, notices = t.redisWithDefaults()
	t.Notices = append(slices.Clip(t.Notices), notices...)
	return t
}

func (e Edge) withDefaults() Edge {
	e.Tier = e.Tier.withDefaults(policy.RoleEdge, policy.Tier{})
	if e.TLS == nil {
		e.TLS = Bool(true)
	}
	return e
}

func (dc Datacenter) withDefaults() Datacenter {
	if dc.Weight == 0 {
		dc.Weight = 1
	}
	if dc.Instances == 0 {
		dc.Instances = 2
	}
	// The incident's datacenter LB: F5's round robin, pinned by its cookie.
	dc.LB = dc.LB.withEngineDefaults().withDefaults(policy.RoleDC, policy.Tier{Selection: policy.RoundRobin, Persistence: policy.PersistCookie})
	if dc.App.MachineKey == "" {
		dc.App.MachineKey = "datacenter"
	}
	if dc.App.Sessions == "" {
		dc.App.Sessions = "memory"
	}
	if dc.App.SessionTimeout == 0 {
		dc.App.SessionTimeout = 20 * time.Minute
	}
	if dc.App.MaxSessions == 0 {
		dc.App.MaxSessions = 100000
	}
	return dc
}

// withDefaults fills t's unset fields from def, then from fakecdn's
// defaults for role (policy.Defaults) but the cookie's httponly, which the
// lab leaves to fakecdn. A vendor profile names its own cookie: fakecdn
// fills its name and codec from the profile.
func (t Tier) withDefaults(role string, def policy.Tier) Tier {
	if t.Profile == "" {
		t.Profile = policy.ProfileGeneric
	}
	t.Tier = t.WithAffinity(t.Tier) // session_affinity decides persistence (the model reads it)
	base := policy.Defaults(role)
	base.Cookie.HTTPOnly = nil
	base.HashCookie = "ASP.NET_SessionId"
	if t.FillsCookie() {
		base.Cookie.Name, base.Cookie.Codec = "", ""
	}
	t.Tier = t.Tier.Fill(def).Fill(base)
	return t
}
