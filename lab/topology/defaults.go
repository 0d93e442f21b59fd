package topology

import (
	"slices"
	"time"
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
	e.Tier = e.Tier.withDefaults(Tier{
		Selection:         "random",
		Persistence:       "none",
		Cookie:            Cookie{Name: "cdn_dc", Codec: "f5-encrypted"},
		PassthroughSingle: Bool(true),
	})
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
	dc.LB = dc.LB.withEngineDefaults().withDefaults(Tier{
		Selection:         "round-robin",
		Persistence:       "cookie",
		Cookie:            Cookie{Name: "lbs", Codec: "f5-encrypted"},
		PassthroughSingle: Bool(false),
	})
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

// withDefaults fills t's unset fields from def, then the tier-independent ones.
func (t Tier) withDefaults(def Tier) Tier {
	pick := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	t = t.withVendorDefaults()
	pick(&t.Selection, def.Selection)
	pick(&t.Persistence, def.Persistence)
	if !t.vendorProfile() { // a vendor profile names its own cookie (fakecdn fills it)
		pick(&t.Cookie.Name, def.Cookie.Name)
		pick(&t.Cookie.Codec, def.Cookie.Codec)
	}
	pick(&t.Undecodable, "reissue")
	pick(&t.OnMemberDown, "failover")
	pick(&t.HashCookie, "ASP.NET_SessionId")
	if t.PassthroughSingle == nil {
		t.PassthroughSingle = def.PassthroughSingle
	}
	if t.DecisionHeaders == nil {
		t.DecisionHeaders = Bool(true)
	}
	if t.SourceIPTTL == 0 {
		t.SourceIPTTL = 10 * time.Minute
	}
	return t
}
