package lab

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/stickylab/stickylab/fakecdn/policy"
	"github.com/stickylab/stickylab/lab/internal/admin"
	"github.com/stickylab/stickylab/lab/internal/plan"
	"github.com/stickylab/stickylab/lab/topology"
)

// A lab can be reset to any topology of the same shape, which is cheaper
// than a new lab. The shape is what only a restart can change: the
// datacenters (names and order), their instance counts and app settings
// (sessions, session timeout, max sessions), the edge's
// TLS, every tier's source_ip_ttl and cookie.secure, and a non-zero seed
// (a zero seed matches any: the lab keeps the one it drew). The runtime and
// the image set belong to the Lab value itself. Everything else is
// resettable: every tier's policy (selection, selection_header, hash_cookie,
// persistence, undecodable, on_member_down, passthrough_single,
// decision_headers, cookie name, codec, ttl, nocache, httponly, max_idle,
// max_life), the edge's steering (steering, dns_ttl, trust_client_ip),
// the datacenters' weights and their apps' machine key scope.

// ErrShapeDiffers is returned (wrapped) by Reset for a topology of another
// shape: the lab must be replaced, not reset.
var ErrShapeDiffers = errors.New("the topology's shape differs from the lab's")

// Shape is t's shape (see Reset) as a comparable string: two topologies of
// equal shape can share a lab. A non-zero seed is not part of it; Reset
// checks that separately.
func Shape(t topology.Topology) string {
	t = t.WithDefaults()
	t.Name, t.Seed = "", 0
	t.Edge.Tier = shapeOf(t.Edge.Tier)
	t.Edge.EdgeSteering = topology.EdgeSteering{}
	dcs := make([]topology.Datacenter, len(t.Datacenters))
	for i, dc := range t.Datacenters {
		dc.Weight, dc.App.MachineKey = 0, ""
		dc.LB = shapeOf(dc.LB)
		dcs[i] = dc
	}
	t.Datacenters = dcs
	b, err := json.Marshal(t)
	if err != nil { // a Topology always marshals
		panic(fmt.Sprintf("shape of %+v: %v", t, err))
	}
	return string(b)
}

// shapeOf keeps what Reset cannot set: everything but the fields
// policyFields sends. It clears what Reset sets rather than listing what it
// keeps, so that a tier field added later (a vendor option, a cookie
// lifetime) is part of the shape until Reset learns to set it — a pooled lab
// must never silently run without it. An HAProxy tier's whole policy is
// its shape: its admin shim refuses every change.
func shapeOf(t topology.Tier) topology.Tier {
	if t.HAProxy() { // haproxy reads its policy from its configuration file only
		return t
	}
	t.Selection, t.SelectionHeader, t.HashCookie, t.Persistence = "", "", "", ""
	t.Undecodable, t.OnMemberDown = "", ""
	t.PassthroughSingle, t.DecisionHeaders = nil, nil
	t.Cookie.Name, t.Cookie.Codec, t.Cookie.TTL = "", "", 0
	t.Cookie.NoCache, t.Cookie.HTTPOnly = false, nil
	t.Cookie.MaxIdle, t.Cookie.MaxLife = 0, 0
	return t
}

// Reset brings a running lab back to t, as a freshly started lab of t would
// be, without restarting what is running: it heals the links (enables
// every one, removes every toxic), starts every node that does not answer
// its admin API (a stopped datacenter, a killed instance) and every Redis
// store StopRedis stopped, sets every member of every LB up with its
// weight and no delay, sets every LB's whole policy, puts every LB's cookie
// key back to the seed's first one (and rewinds its random source, and
// empties its source-IP table and DNS answers), sets every app's machine
// key scope, flushes
// every app's sessions, waits until the lab is ready as Up does, and checks
// that the running topology (Current) is t. t must have the lab's shape
// (ErrShapeDiffers otherwise, and nothing changes).
//
// What it does not reset: password changes made through an app (an app
// keeps them in memory until it restarts) and the LBs' request counters.
// Reset must not run concurrently with other changes to the lab.
func (l *Lab) Reset(ctx context.Context, t topology.Topology) error {
	t = t.WithDefaults()
	if err := t.Validate(); err != nil {
		return fmt.Errorf("reset %s: %w", l.plan.RunID, err)
	}
	if got, have := Shape(t), Shape(l.plan.Topology); got != have {
		return fmt.Errorf("reset %s: %w: want %s, the lab has %s", l.plan.RunID, ErrShapeDiffers, got, have)
	}
	if t.Seed != 0 && t.Seed != l.plan.Seed {
		return fmt.Errorf("reset %s: %w: seed %d, the lab has %d", l.plan.RunID, ErrShapeDiffers, t.Seed, l.plan.Seed)
	}
	t.Seed = l.plan.Seed
	p, err := plan.New(t)
	if err != nil {
		return fmt.Errorf("reset %s: %w", l.plan.RunID, err)
	}
	p.RunID = l.plan.RunID
	dep, err := l.live()
	if err != nil {
		return fmt.Errorf("reset: %w", err)
	}
	for _, step := range []struct {
		what string
		do   func(context.Context, plan.Deployment, *plan.Plan) error
	}{
		{"heal the links", l.healAll},
		{"start stopped nodes", startStopped},
		{"start stopped redis stores", l.startStoppedStores},
		{"clear replication latency", l.clearReplicationLatency},
		{"wait for the admin APIs", func(ctx context.Context, dep plan.Deployment, p *plan.Plan) error {
			return waitFor(ctx, faultTimeout, adminAnswers(dep, p.Nodes))
		}},
		{"set the load balancers", setLBs},
		{"set the apps' machine keys", setApps},
		{"flush sessions", flushApps},
		{"wait until ready", func(ctx context.Context, dep plan.Deployment, _ *plan.Plan) error {
			return waitFor(ctx, upTimeout, l.ready(dep))
		}},
	} {
		if err := step.do(ctx, dep, p); err != nil {
			return fmt.Errorf("reset %s: %s: %w", l.plan.RunID, step.what, err)
		}
	}
	l.plan.Topology = p.Topology
	l.plan.Nodes = p.Nodes
	return l.checkReset(ctx, p.Topology)
}

// healAll enables every link and removes every toxic: the links of a
// fresh lab.
func (l *Lab) healAll(ctx context.Context, dep plan.Deployment, p *plan.Plan) error {
	if err := admin.ResetLinks(ctx, dep.LinksURL()); err != nil {
		return err
	}
	for _, dc := range p.Topology.Datacenters {
		l.setPartitioned(dc.Name, false)
	}
	return nil
}

// startStopped starts every node whose admin API does not answer.
func startStopped(ctx context.Context, dep plan.Deployment, p *plan.Plan) error {
	return parallel(p.Nodes, func(n plan.Node) error {
		u, err := dep.AdminURL(n.Name)
		if err == nil && admin.Healthz(ctx, u) == nil {
			return nil
		}
		if err := dep.Start(ctx, n.Name); err != nil {
			return fmt.Errorf("start %s: %w", n.Name, err)
		}
		return nil
	})
}

// setLBs gives every LB its planned policy, members and first key.
func setLBs(ctx context.Context, dep plan.Deployment, p *plan.Plan) error {
	var lbs []plan.Node
	for _, n := range p.Nodes {
		if n.LB != nil {
			lbs = append(lbs, n)
		}
	}
	return parallel(lbs, func(n plan.Node) error {
		u, err := dep.AdminURL(n.Name)
		if err != nil {
			return err
		}
		st, err := admin.PatchConfig(ctx, u, resetPatch(*n.LB))
		if err != nil {
			return fmt.Errorf("%s: %w", n.Name, err)
		}
		if err := secureResettable(st.Config, n.LB.Tier.Cookie.Secure); err != nil {
			return fmt.Errorf("%s: %w", n.Name, err)
		}
		for _, m := range n.LB.Members {
			if _, err := admin.PatchMember(ctx, u, m.Name, policy.ResetMember(m.Weight)); err != nil {
				return fmt.Errorf("%s: %w", n.Name, err)
			}
		}
		if _, err := admin.ResetKey(ctx, u); err != nil {
			return fmt.Errorf("%s: %w", n.Name, err)
		}
		return nil
	})
}

// resetPatch is the PATCH /config body that sets every field of lb's
// configuration that PATCH /config can change (the steering too), with the
// switches its tier leaves unset at the defaults the configuration file
// gets.
func resetPatch(lb plan.LB) policy.Patch {
	t := lb.Tier
	p := lb.Settings().Patch()
	p.PassthroughSingle = policy.Ptr(topology.On(t.PassthroughSingle, false))
	p.DecisionHeaders = policy.Ptr(topology.On(t.DecisionHeaders, true))
	p.Cookie.HTTPOnly = policy.Ptr(topology.On(t.Cookie.HTTPOnly, true))
	return p
}

// secureResettable fails when the LB's cookie.secure was set through its
// admin API but the topology leaves it unset ("when HTTPS"): PATCH /config
// has no way back to that, only a new lab has.
func secureResettable(config policy.Config, want *bool) error {
	if got := config.Cookie.Secure; want == nil && got != nil {
		return fmt.Errorf("%w: cookie.secure is %v and only a restart makes it unset again", ErrShapeDiffers, *got)
	}
	return nil
}

// setApps gives every app instance its datacenter's machine key scope.
func setApps(ctx context.Context, dep plan.Deployment, p *plan.Plan) error {
	return parallel(appNodes(p), func(n plan.Node) error {
		u, err := dep.AdminURL(n.Name)
		if err == nil {
			_, err = admin.PatchAppSettings(ctx, u, admin.AppSettings{MachineKey: n.App.KeyScope})
		}
		if err != nil {
			return fmt.Errorf("%s: %w", n.Name, err)
		}
		return nil
	})
}

func appNodes(p *plan.Plan) []plan.Node {
	var apps []plan.Node
	for _, n := range p.Nodes {
		if n.Kind == plan.KindApp {
			apps = append(apps, n)
		}
	}
	return apps
}

// flushApps drops every app instance's sessions.
func flushApps(ctx context.Context, dep plan.Deployment, p *plan.Plan) error {
	return parallel(appNodes(p), func(n plan.Node) error {
		u, err := dep.AdminURL(n.Name)
		if err == nil {
			_, err = admin.FlushSessions(ctx, u)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", n.Name, err)
		}
		return nil
	})
}

// checkReset verifies, from the LBs' own /state, that the lab runs want:
// every datacenter usable with its weight, every tier's policy, key
// generation 0.
func (l *Lab) checkReset(ctx context.Context, want topology.Topology) error {
	got, err := l.Current(ctx)
	if err != nil {
		return fmt.Errorf("reset %s: check: %w", l.plan.RunID, err)
	}
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		return fmt.Errorf("reset %s: check: the lab runs %s, want %s", l.plan.RunID, g, w)
	}
	targets := append([]string{plan.EdgeName}, l.datacenters()...)
	var rotated []string
	for _, target := range targets {
		st, err := l.State(ctx, target)
		if err != nil {
			return fmt.Errorf("reset %s: check: %w", l.plan.RunID, err)
		}
		if st.KeyGeneration != 0 {
			rotated = append(rotated, fmt.Sprintf("%s at generation %d", target, st.KeyGeneration))
		}
	}
	if len(rotated) > 0 {
		return fmt.Errorf("reset %s: check: keys not reset: %s", l.plan.RunID, strings.Join(rotated, ", "))
	}
	return nil
}
