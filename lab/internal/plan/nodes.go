package plan

import (
	"fmt"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/stickylab/stickylab/lab/topology"
)

// App is what a fakeapp instance is started with.
type App struct {
	Datacenter, Instance string
	KeyScope             string // instance | datacenter | shared
	KeySecret            string
	SessionTimeout       time.Duration
	MaxSessions          int
	// Store is the Redis store node holding the sessions; "" keeps them in
	// memory (ASP.NET's InProc).
	Store string
	// WriteStore is the store the app writes to when it is not Store: the
	// primary, with layout replicated, where Store is a read-only replica.
	WriteStore string
	// RedisPrefix is the application prefix of the session keys: the same
	// for every app of a lab, so that a shared store shares the sessions.
	RedisPrefix string
}

// Args are fakeapp's command-line flags for this instance, listening on the
// container ports.
func (a App) Args() []string {
	return append([]string{
		"--addr", fmt.Sprintf(":%d", PortHTTP),
		"--admin-addr", fmt.Sprintf(":%d", PortAdmin),
		"--datacenter", a.Datacenter,
		"--instance", a.Instance,
		"--key-scope", a.KeyScope,
		"--key-secret", a.KeySecret,
		"--session-timeout", a.SessionTimeout.String(),
		"--max-sessions", fmt.Sprint(a.MaxSessions),
	}, a.SessionArgs(func(store string) string { return fmt.Sprintf("%s:%d", store, PortRedis) })...)
}

// SessionArgs are fakeapp's session-store flags, with each store reached at
// addr(store).
func (a App) SessionArgs(addr func(store string) string) []string {
	if a.Store == "" {
		return []string{"--sessions", "memory"}
	}
	args := []string{"--sessions", "redis", "--redis-addr", addr(a.Store), "--redis-prefix", a.RedisPrefix}
	if a.WriteStore != "" && a.WriteStore != a.Store {
		args = append(args, "--redis-write-addr", addr(a.WriteStore))
	}
	return args
}

// LB is what a fakecdn instance is started with: its policy and its members
// (node names, resolved to URLs by the runtime).
type LB struct {
	Role    string // edge | dc
	Name    string // edge, or the datacenter's name
	Seed    int64
	Tier    topology.Tier
	Members []Member
	// Steering is the edge's datacenter choice (edge only).
	Steering topology.EdgeSteering
}

// Member is one pool member: a node and its weight.
type Member struct {
	Name   string // the member name fakecdn reports: a datacenter at the edge, an instance in a datacenter
	Node   string // the node it runs on
	Weight float64
}

// Health settings the lab gives every LB. The interval is short, so that
// faults take effect fast; the timeout and fall are tolerant, so that a busy
// machine or a slow engine never marks a healthy member down (a false "down"
// at the edge means passthrough, then rebalancing, then failures the lab
// would wrongly blame on the topology). A stopped member refuses connections
// and is seen down after Fall quick checks; only a partition waits for the
// timeout.
var Health = HealthConfig{Path: "/healthz", Interval: "200ms", Timeout: "2s", Rise: 2, Fall: 3}

// HealthConfig mirrors fakecdn's health block.
type HealthConfig struct {
	Path     string `yaml:"path"`
	Interval string `yaml:"interval"`
	Timeout  string `yaml:"timeout"`
	Rise     int    `yaml:"rise"`
	Fall     int    `yaml:"fall"`
}

// Config renders fakecdn's YAML configuration; url maps a member's node to
// the URL this runtime reaches it at.
func (l LB) Config(url func(node string) string) ([]byte, error) {
	type cookie struct {
		Name         string `yaml:"name,omitempty"`  // empty: the vendor profile's
		Codec        string `yaml:"codec,omitempty"` // empty: the vendor profile's
		TTL          string `yaml:"ttl"`
		NoCache      bool   `yaml:"nocache,omitempty"`
		HTTPOnly     bool   `yaml:"httponly"`
		Secure       *bool  `yaml:"secure,omitempty"` // nil: when the client connection is HTTPS
		cookieVendor `yaml:",inline"`
	}
	type member struct {
		Name   string  `yaml:"name"`
		URL    string  `yaml:"url"`
		Weight float64 `yaml:"weight"`
	}
	cfg := struct {
		Role              string       `yaml:"role"`
		Name              string       `yaml:"name"`
		Seed              int64        `yaml:"seed"`
		Members           []member     `yaml:"members"`
		Selection         string       `yaml:"selection"`
		SelectionHeader   string       `yaml:"selection_header,omitempty"`
		HashCookie        string       `yaml:"hash_cookie,omitempty"`
		Persistence       string       `yaml:"persistence"`
		Cookie            cookie       `yaml:"cookie"`
		SourceIPTTL       string       `yaml:"source_ip_ttl"`
		Undecodable       string       `yaml:"undecodable"`
		OnMemberDown      string       `yaml:"on_member_down"`
		PassthroughSingle bool         `yaml:"passthrough_single"`
		DecisionHeaders   bool         `yaml:"decision_headers"`
		Health            HealthConfig `yaml:"health"`
		vendorConfig      `yaml:",inline"`
	}{
		Role: l.Role, Name: l.Name, Seed: l.Seed,
		Selection: l.Tier.Selection, SelectionHeader: l.Tier.SelectionHeader, HashCookie: l.Tier.HashCookie,
		Persistence: l.Tier.Persistence,
		Cookie: cookie{Name: l.Tier.Cookie.Name, Codec: l.Tier.Cookie.Codec, TTL: l.Tier.Cookie.TTL.String(),
			NoCache: l.Tier.Cookie.NoCache, HTTPOnly: topology.On(l.Tier.Cookie.HTTPOnly, true), Secure: l.Tier.Cookie.Secure,
			cookieVendor: renderCookieVendor(l.Tier.Cookie.CookieLife)},
		SourceIPTTL: l.Tier.SourceIPTTL.String(), Undecodable: l.Tier.Undecodable, OnMemberDown: l.Tier.OnMemberDown,
		PassthroughSingle: topology.On(l.Tier.PassthroughSingle, false),
		DecisionHeaders:   topology.On(l.Tier.DecisionHeaders, true),
		Health:            Health,
		vendorConfig:      renderVendor(l.Tier.Vendor, l.Steering),
	}
	for _, m := range l.Members {
		cfg.Members = append(cfg.Members, member{Name: m.Name, URL: url(m.Node), Weight: m.Weight})
	}
	out, err := yaml.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("render %s config: %w", l.Name, err)
	}
	return out, nil
}

func edgeNode(t topology.Topology) Node {
	lb := &LB{Role: "edge", Name: EdgeName, Seed: t.Seed, Tier: t.Edge.Tier, Steering: t.Edge.EdgeSteering}
	for _, dc := range t.Datacenters {
		lb.Members = append(lb.Members, Member{Name: dc.Name, Node: LBName(dc.Name), Weight: dc.Weight})
	}
	return Node{Name: EdgeName, Kind: KindEdge, Networks: []string{WAN}, LB: lb}
}

func lbNode(t topology.Topology, i int, dc topology.Datacenter) Node {
	lb := &LB{Role: "dc", Name: dc.Name, Seed: t.Seed + int64(i) + 1, Tier: dc.LB}
	for _, inst := range dc.InstanceNames() {
		lb.Members = append(lb.Members, Member{Name: inst, Node: inst, Weight: 1})
	}
	return Node{Name: LBName(dc.Name), Kind: KindLB, Datacenter: dc.Name, Networks: []string{WAN, dc.Name}, LB: lb}
}

func appNode(t topology.Topology, dc topology.Datacenter, inst string, store storeUse) Node {
	app := &App{
		Datacenter: dc.Name, Instance: inst,
		KeyScope:       dc.App.MachineKey,
		KeySecret:      fmt.Sprintf("stickylab-%d", t.Seed),
		SessionTimeout: dc.App.SessionTimeout,
		MaxSessions:    dc.App.MaxSessions,
		Store:          store.read,
		WriteStore:     store.write,
		RedisPrefix:    fmt.Sprintf("stickylab-%d", t.Seed),
	}
	return Node{Name: inst, Kind: KindApp, Datacenter: dc.Name, Networks: []string{dc.Name}, App: app}
}
