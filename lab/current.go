package lab

import (
	"context"
	"fmt"

	"github.com/stickylab/stickylab/fakecdn/policy"
	"github.com/stickylab/stickylab/lab/topology"
)

// Current is the topology as it runs now, read from the running load
// balancers' GET /state, not from a copy the lab keeps: the edge's and each
// datacenter LB's policy as they report it (the edge's steering too), each
// datacenter's weight as the edge has it, and only the datacenters the edge
// can use (admin state up and healthy: not stopped, not partitioned, not
// out of instances). The apps' settings are those the lab started with or
// was last reset to. The expected-failure model applies to it, not to the
// topology the lab started with (Topology).
func (l *Lab) Current(ctx context.Context) (topology.Topology, error) {
	t := l.plan.Topology
	edge, err := l.State(ctx, "edge")
	if err != nil {
		return t, fmt.Errorf("current topology: %w", err)
	}
	t.Edge.Tier = tierOf(edge.Config, t.Edge.Tier)
	t.Edge.EdgeSteering = topology.EdgeSteering{Steering: edge.Config.Steering,
		DNSTTL: edge.Config.DNSTTL.Std(), TrustClientIP: edge.Config.TrustClientIP}
	var dcs []topology.Datacenter
	for _, dc := range t.Datacenters {
		m, ok := edge.Member(dc.Name)
		if !ok || !m.Usable() {
			continue
		}
		dc.Weight = m.Weight
		st, err := l.State(ctx, dc.Name)
		if err != nil {
			return t, fmt.Errorf("current topology: the edge uses %s: %w", dc.Name, err)
		}
		dc.LB = tierOf(st.Config, dc.LB)
		dcs = append(dcs, dc)
	}
	t.Datacenters = dcs
	return t, nil
}

// tierOf is the started tier with the policy a load balancer reports in
// its GET /state: what PATCH /config may change, and the source_ip_ttl
// (which a vendor profile may set). Fields an admin API cannot change (a
// vendor profile, steering, …) stay as started. A switch the started tier
// left unset (its default) stays unset when the LB reports that default, so
// that an unchanged LB reads as started.
func tierOf(reported policy.Config, started topology.Tier) topology.Tier {
	t := started
	t.Tier = started.Tier.Apply(reported.Tier.Patch())
	t.SourceIPTTL = reported.SourceIPTTL
	t.Cookie.Secure = reported.Cookie.Secure
	t.Cookie.HTTPOnly = unlessDefault(reported.Cookie.HTTPOnly, started.Cookie.HTTPOnly, true)
	return t
}

// unlessDefault is the reported switch, or nil when the started one was nil
// and the reported one is its default.
func unlessDefault(reported, started *bool, def bool) *bool {
	if started == nil && (reported == nil || *reported == def) {
		return nil
	}
	return reported
}
