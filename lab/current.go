package lab

import (
	"slices"

	"github.com/stickylab/stickylab/lab/topology"
)

// Current is the topology as it runs now: with the policies Configure
// changed, and only the datacenters the edge can reach (not stopped, not
// partitioned). The expected-failure model applies to it, not to the
// topology the lab started with.
func (l *Lab) Current() topology.Topology {
	l.faultMu.Lock()
	defer l.faultMu.Unlock()
	t := l.plan.Topology
	t.Edge.Tier = l.policies["edge"].apply(t.Edge.Tier)
	t.Datacenters = slices.Clone(t.Datacenters)
	t.Datacenters = slices.DeleteFunc(t.Datacenters, func(dc topology.Datacenter) bool {
		return l.stopped[dc.Name] || l.partitioned[dc.Name]
	})
	for i, dc := range t.Datacenters {
		t.Datacenters[i].LB = l.policies[dc.Name].apply(dc.LB)
	}
	return t
}

// remember folds a policy change that took effect into Current.
func (l *Lab) remember(target string, p Policy) {
	l.faultMu.Lock()
	defer l.faultMu.Unlock()
	if l.policies == nil {
		l.policies = map[string]Policy{}
	}
	l.policies[target] = l.policies[target].merge(p)
}

func (l *Lab) setStopped(dc string, stopped bool) {
	l.faultMu.Lock()
	defer l.faultMu.Unlock()
	if l.stopped == nil {
		l.stopped = map[string]bool{}
	}
	l.stopped[dc] = stopped
}

// merge lays the fields q sets over p.
func (p Policy) merge(q Policy) Policy {
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&p.Selection, q.Selection)
	set(&p.SelectionHeader, q.SelectionHeader)
	set(&p.HashCookie, q.HashCookie)
	set(&p.Persistence, q.Persistence)
	set(&p.Undecodable, q.Undecodable)
	set(&p.OnMemberDown, q.OnMemberDown)
	if q.PassthroughSingle != nil {
		p.PassthroughSingle = q.PassthroughSingle
	}
	if q.DecisionHeaders != nil {
		p.DecisionHeaders = q.DecisionHeaders
	}
	return p
}

// apply lays the fields p sets over a tier.
func (p Policy) apply(t topology.Tier) topology.Tier {
	m := Policy{
		Selection: t.Selection, SelectionHeader: t.SelectionHeader, HashCookie: t.HashCookie,
		Persistence: t.Persistence, Undecodable: t.Undecodable, OnMemberDown: t.OnMemberDown,
		PassthroughSingle: t.PassthroughSingle, DecisionHeaders: t.DecisionHeaders,
	}.merge(p)
	t.Selection, t.SelectionHeader, t.HashCookie = m.Selection, m.SelectionHeader, m.HashCookie
	t.Persistence, t.Undecodable, t.OnMemberDown = m.Persistence, m.Undecodable, m.OnMemberDown
	t.PassthroughSingle, t.DecisionHeaders = m.PassthroughSingle, m.DecisionHeaders
	return t
}
