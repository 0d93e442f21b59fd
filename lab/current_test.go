package lab_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/stickylab/stickylab/fakecdn/policy"
	"github.com/stickylab/stickylab/lab"
	"github.com/stickylab/stickylab/lab/topology"
)

func TestCurrentIsTheStartedTopologyUntilSomethingChanges(t *testing.T) {
	l := upLocal(t, topology.Default())
	cur, err := l.Current(ctxFor(t))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cur, l.Topology()) {
		t.Fatalf("the running LBs report another topology than the one started: %s", strings.Join(jsonDiff(cur, l.Topology()), "; "))
	}
}

func TestCurrentFollowsFaultsAndPolicyChanges(t *testing.T) {
	l := upLocal(t, topology.Default())
	ctx := ctxFor(t)

	if err := l.SetEdgePersistence(ctx, "cookie"); err != nil {
		t.Fatal(err)
	}
	if err := l.PartitionDatacenter(ctx, "dc-west"); err != nil {
		t.Fatal(err)
	}
	cur := current(t, l)
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
	if got := current(t, l).Datacenters; len(got) != 1 || got[0].Name != "dc-west" {
		t.Errorf("after heal and stop, only dc-west runs: %+v", got)
	}
	if err := l.Configure(ctx, "dc-west", lab.Policy{Persistence: policy.Ptr(policy.PersistNone)}); err != nil {
		t.Fatal(err)
	}
	if got := current(t, l).Datacenters[0].LB.Persistence; got != "none" {
		t.Errorf("dc-west LB persistence: got %q, want none", got)
	}
}

// Every run-time change survives every restart, on the local runtime (the
// Docker one is in lab_docker_test.go).
func TestChangesSurviveRestartsLocal(t *testing.T) {
	topo := topology.Default()
	topo.Seed = 42
	changesSurviveRestarts(ctxFor(t), t, upLocal(t, topo))
}

func TestCookiesOfARotatedKeyStillDecodeAfterARestartLocal(t *testing.T) {
	rotatedCookieSurvivesRestart(ctxFor(t), t, upLocal(t, oneDatacenter(2)))
}
