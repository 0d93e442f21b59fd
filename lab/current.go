package lab

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/stickylab/stickylab/lab/topology"
)

// Current is the topology as it runs now, read from the running load
// balancers' GET /state, not from a copy the lab keeps: the edge's and each
// datacenter LB's policy as they report it, each datacenter's weight as the
// edge has it, and only the datacenters the edge can use (admin state up and
// healthy: not stopped, not partitioned, not out of instances). The apps'
// settings cannot change at run time; they are those the lab started. The
// expected-failure model applies to it, not to the topology the lab started
// with (Topology).
func (l *Lab) Current(ctx context.Context) (topology.Topology, error) {
	t := l.plan.Topology
	edge, err := l.State(ctx, "edge")
	if err != nil {
		return t, fmt.Errorf("current topology: %w", err)
	}
	if t.Edge.Tier, err = tierOf(edge.Config, t.Edge.Tier); err != nil {
		return t, fmt.Errorf("current topology: edge: %w", err)
	}
	var dcs []topology.Datacenter
	for _, dc := range t.Datacenters {
		m, ok := edge.Member(dc.Name)
		if !ok || m.State != "up" || !m.Healthy {
			continue
		}
		dc.Weight = m.Weight
		st, err := l.State(ctx, dc.Name)
		if err != nil {
			return t, fmt.Errorf("current topology: the edge uses %s: %w", dc.Name, err)
		}
		if dc.LB, err = tierOf(st.Config, dc.LB); err != nil {
			return t, fmt.Errorf("current topology: %s: %w", dc.Name, err)
		}
		dcs = append(dcs, dc)
	}
	t.Datacenters = dcs
	return t, nil
}

// tierOf reads a tier from the "config" of a load balancer's GET /state.
// A switch the started tier left unset (its default) stays unset when the
// LB reports that default, so that an unchanged LB reads as started.
func tierOf(config map[string]any, started topology.Tier) (topology.Tier, error) {
	var c struct {
		Selection         string `json:"selection"`
		SelectionHeader   string `json:"selection_header"`
		HashCookie        string `json:"hash_cookie"`
		Persistence       string `json:"persistence"`
		Undecodable       string `json:"undecodable"`
		OnMemberDown      string `json:"on_member_down"`
		PassthroughSingle *bool  `json:"passthrough_single"`
		DecisionHeaders   *bool  `json:"decision_headers"`
		SourceIPTTL       string `json:"source_ip_ttl"`
		Cookie            struct {
			Name     string `json:"name"`
			Codec    string `json:"codec"`
			TTL      string `json:"ttl"`
			NoCache  bool   `json:"nocache"`
			HTTPOnly *bool  `json:"httponly"`
			Secure   *bool  `json:"secure"`
		} `json:"cookie"`
	}
	data, err := json.Marshal(config)
	if err == nil {
		err = json.Unmarshal(data, &c)
	}
	if err != nil {
		return topology.Tier{}, fmt.Errorf("config %v: %w", config, err)
	}
	// Fields an admin API cannot change (a vendor profile, steering, …)
	// stay as started; the policy is what the LB reports.
	t := started
	t.Selection, t.SelectionHeader, t.HashCookie = c.Selection, c.SelectionHeader, c.HashCookie
	t.Persistence, t.Undecodable, t.OnMemberDown = c.Persistence, c.Undecodable, c.OnMemberDown
	t.PassthroughSingle, t.DecisionHeaders = c.PassthroughSingle, c.DecisionHeaders
	t.Cookie.Name, t.Cookie.Codec, t.Cookie.NoCache = c.Cookie.Name, c.Cookie.Codec, c.Cookie.NoCache
	t.Cookie.HTTPOnly = unlessDefault(c.Cookie.HTTPOnly, started.Cookie.HTTPOnly, true)
	t.Cookie.Secure = c.Cookie.Secure
	for _, d := range []struct {
		field, text string
		dst         *time.Duration
	}{{"source_ip_ttl", c.SourceIPTTL, &t.SourceIPTTL}, {"cookie.ttl", c.Cookie.TTL, &t.Cookie.TTL}} {
		if *d.dst, err = time.ParseDuration(d.text); err != nil {
			return t, fmt.Errorf("%s %q: %w", d.field, d.text, err)
		}
	}
	return t, nil
}

// unlessDefault is the reported switch, or nil when the started one was nil
// and the reported one is its default.
func unlessDefault(reported, started *bool, def bool) *bool {
	if started == nil && (reported == nil || *reported == def) {
		return nil
	}
	return reported
}
