package lab_test

import (
	"testing"

	"github.com/stickylab/stickylab/lab"
	"github.com/stickylab/stickylab/lab/topology"
)

func TestCurrentFollowsFaultsAndPolicyChanges(t *testing.T) {
	l := upLocal(t, topology.Default())
	ctx := t.Context()

	if err := l.SetEdgePersistence(ctx, "cookie"); err != nil {
		t.Fatal(err)
	}
	if err := l.PartitionDatacenter(ctx, "dc-west"); err != nil {
		t.Fatal(err)
	}
	cur := l.Current()
	if cur.Edge.Persistence != "cookie" {
		t.Errorf("Current should carry the edge persistence set at run time, got %q", cur.Edge.Persistence)
	}
	if len(cur.Datacenters) != 1 || cur.Datacenters[0].Name != "dc-east" {
		t.Errorf("a partitioned datacenter is not part of the running topology: %+v", cur.Datacenters)
	}
	if l.Topology().Edge.Persistence != "none" || len(l.Topology().Datacenters) != 2 {
		t.Errorf("Topology stays the topology the lab started with")
	}

	if err := l.HealDatacenter(ctx, "dc-west"); err != nil {
		t.Fatal(err)
	}
	if err := l.StopDatacenter(ctx, "dc-east"); err != nil {
		t.Fatal(err)
	}
	if got := l.Current().Datacenters; len(got) != 1 || got[0].Name != "dc-west" {
		t.Errorf("after heal and stop, only dc-west runs: %+v", got)
	}
	if err := l.Configure(ctx, "dc-west", lab.Policy{Persistence: "none"}); err != nil {
		t.Fatal(err)
	}
	if got := l.Current().Datacenters[0].LB.Persistence; got != "none" {
		t.Errorf("dc-west LB persistence: got %q, want none", got)
	}
}
