package plan

import (
	"fmt"
	"strings"
)

// The lab's WAN links are Toxiproxy proxies on one Toxiproxy server per
// run: in-process on the local runtime, the ToxiproxyName container on
// Docker. A link carries one node's traffic to another (listen → upstream),
// so that faults can cut it (partition: the proxy disabled) or degrade it
// with toxics (latency, bandwidth, timeout, reset_peer, slow_close,
// slicer). The edge reaches every datacenter LB through the link named
// after the datacenter; links between datacenters (Redis replication) are
// added with AddLink and realised by the runtime in the same way.

// ToxiproxyName is the Toxiproxy server's node name and network alias.
const ToxiproxyName = "toxiproxy"

// PortLinks is the first link's listen port in the Toxiproxy container
// (link i listens on PortLinks+i); its API is on PortAdmin.
const PortLinks = 10000

// Link is one WAN link.
type Link struct {
	Name   string // the proxy's name: the datacenter for the edge's links
	From   string // the node whose traffic it carries
	To     string // the node it forwards to
	Port   int    // To's port
	Listen int    // the port the Toxiproxy container listens on for it
}

// Upstream is where the Toxiproxy container forwards the link: To by its
// network alias.
func (l Link) Upstream() string { return fmt.Sprintf("%s:%d", l.To, l.Port) }

// Address is where From reaches To through the link on Docker:
// toxiproxy:<Listen>. The local runtime picks a loopback port instead.
func (l Link) Address() string { return fmt.Sprintf("%s:%d", ToxiproxyName, l.Listen) }

// AddLink adds a link from node from to port port of node to, named name
// (unique in the plan), and returns it.
func (p *Plan) AddLink(name, from, to string, port int) (Link, error) {
	if _, err := p.Link(name); err == nil {
		return Link{}, fmt.Errorf("plan: a link named %q exists already", name)
	}
	l := Link{Name: name, From: from, To: to, Port: port, Listen: PortLinks + len(p.Links)}
	p.Links = append(p.Links, l)
	return l, nil
}

// Link returns the link named name.
func (p *Plan) Link(name string) (Link, error) {
	names := make([]string, 0, len(p.Links))
	for _, l := range p.Links {
		if l.Name == name {
			return l, nil
		}
		names = append(names, l.Name)
	}
	return Link{}, fmt.Errorf("no link %q in this lab (have %s)", name, strings.Join(names, ", "))
}

// Route returns the link that carries from's traffic to to, if any.
func (p *Plan) Route(from, to string) (Link, bool) {
	for _, l := range p.Links {
		if l.From == from && l.To == to {
			return l, true
		}
	}
	return Link{}, false
}

// edgeLinks adds the edge's link to every datacenter LB.
func (p *Plan) edgeLinks() {
	for _, dc := range p.Topology.Datacenters {
		// Names are unique: datacenter names are validated unique.
		_, _ = p.AddLink(dc.Name, EdgeName, LBName(dc.Name), PortHTTP)
	}
}
