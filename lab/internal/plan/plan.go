// Package plan turns a topology into the list of nodes a runtime must start:
// one edge, one load balancer per datacenter, the app instances. Both
// runtimes start the same plan, so they cannot disagree about what a
// topology means.
package plan

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"

	"github.com/stickylab/stickylab/lab/topology"
)

// Kind says which program a node runs.
type Kind string

const (
	KindEdge Kind = "edge" // fakecdn, role edge
	KindLB   Kind = "lb"   // fakecdn, role dc
	KindApp  Kind = "app"  // fakeapp
)

// Ports every node listens on inside its container (the local runtime uses
// 127.0.0.1:0 instead).
const (
	PortHTTP  = 8080 // apps and datacenter LBs, and the edge without TLS
	PortHTTPS = 8443 // the edge with TLS
	PortAdmin = 8081 // every node's admin API and /healthz
)

// Network names, logical: a runtime prefixes them with the run id.
const WAN = "wan"

// Node is one process or container.
type Node struct {
	Name       string // edge, dc-east-lb, dc-east-1: also its network alias
	Kind       Kind
	Datacenter string   // "" for the edge
	Networks   []string // logical names: wan, dc-east
	App        *App     // KindApp
	LB         *LB      // KindEdge, KindLB
}

// Plan is a whole run.
type Plan struct {
	RunID    string
	Seed     int64
	Topology topology.Topology // defaults applied, Seed set
	Nodes    []Node            // edge first, then per datacenter its LB and instances
	Stores   []Store           // the Redis session stores, started before the apps
	Links    []Link            // the WAN links (links.go), made before the nodes that use them
}

// New validates t and plans it. A zero seed is replaced by a random one, which
// the plan records so that a run can be reproduced.
func New(t topology.Topology) (*Plan, error) {
	t = t.WithDefaults()
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if t.Seed == 0 {
		n, err := rand.Int(rand.Reader, big.NewInt(1<<31))
		if err != nil {
			return nil, fmt.Errorf("plan: draw a seed: %w", err)
		}
		t.Seed = n.Int64() + 1
	}
	st, use, err := stores(t)
	if err != nil {
		return nil, err
	}
	p := &Plan{RunID: NewRunID(), Seed: t.Seed, Topology: t, Stores: st}
	p.Nodes = append(p.Nodes, edgeNode(t))
	for i, dc := range t.Datacenters {
		p.Nodes = append(p.Nodes, lbNode(t, i, dc))
		for _, inst := range dc.InstanceNames() {
			p.Nodes = append(p.Nodes, appNode(t, dc, inst, use[dc.Name]))
		}
	}
	p.edgeLinks()
	p.replicationLinks() // redis.go
	return p, nil
}

// NewRunID returns a short random id used in labels, names and temp dirs.
func NewRunID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Node returns the node named name.
func (p *Plan) Node(name string) (Node, error) {
	for _, n := range p.Nodes {
		if n.Name == name {
			return n, nil
		}
	}
	return Node{}, fmt.Errorf("no node %q in this lab (have %s)", name, strings.Join(p.Names(), ", "))
}

// Names lists every node's name in plan order.
func (p *Plan) Names() []string {
	names := make([]string, len(p.Nodes))
	for i, n := range p.Nodes {
		names[i] = n.Name
	}
	return names
}

// DatacenterNodes returns a datacenter's LB and instances, LB first.
func (p *Plan) DatacenterNodes(dc string) ([]Node, error) {
	var nodes []Node
	for _, n := range p.Nodes {
		if n.Datacenter == dc {
			nodes = append(nodes, n)
		}
	}
	if len(nodes) == 0 {
		return nil, fmt.Errorf("no datacenter %q in this lab", dc)
	}
	return nodes, nil
}

// LBName is the node name of a datacenter's load balancer.
func LBName(dc string) string { return dc + "-lb" }

// EdgeName is the node name of the CDN edge.
const EdgeName = "edge"

// TLS reports whether the edge serves HTTPS.
func (p *Plan) TLS() bool { return topology.On(p.Topology.Edge.TLS, true) }
