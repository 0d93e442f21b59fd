package plan

import (
	"strings"
	"testing"

	"github.com/stickylab/stickylab/lab/topology"
)

// The edge reaches every datacenter LB through a link named after the
// datacenter; links added later (between datacenters) get the next port.
func TestThePlanLinksTheEdgeToEveryDatacenterAndTakesMoreLinks(t *testing.T) {
	p, err := New(topology.Default())
	if err != nil {
		t.Fatal(err)
	}
	east, ok := p.Route(EdgeName, "dc-east-lb")
	if !ok || east != (Link{Name: "dc-east", From: "edge", To: "dc-east-lb", Port: PortHTTP, Listen: PortLinks}) {
		t.Fatalf("edge → dc-east-lb: %+v, %v", east, ok)
	}
	if east.Upstream() != "dc-east-lb:8080" || east.Address() != "toxiproxy:10000" {
		t.Errorf("upstream %s, address %s", east.Upstream(), east.Address())
	}
	if _, ok := p.Route(LBName("dc-east"), "dc-east-1"); ok {
		t.Error("an LB reaches its instances directly")
	}
	repl, err := p.AddLink("dc-west-replication", "dc-west-redis", "dc-east-redis", PortRedis)
	if err != nil || repl.Listen != PortLinks+2 || repl.Upstream() != "dc-east-redis:6379" {
		t.Fatalf("AddLink: %+v, %v", repl, err)
	}
	if _, err := p.AddLink("dc-east", "x", "y", 1); err == nil || !strings.Contains(err.Error(), `"dc-east" exists`) {
		t.Errorf("a second link of a name: %v", err)
	}
	if _, err := p.Link("dc-north"); err == nil || !strings.Contains(err.Error(), "have dc-east, dc-west, dc-west-replication") {
		t.Errorf("an unknown link: %v", err)
	}
}
