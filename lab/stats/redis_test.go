package stats_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/lab/stats"
	"github.com/stickylab/stickylab/lab/topology"
)

// redisSessions is the incident with a shared machine key, sessions in
// Redis laid out as layout, and no persistence anywhere.
func redisSessions(layout string) topology.Topology {
	return twoDCs(func(t *topology.Topology) {
		for i := range t.Datacenters {
			t.Datacenters[i].App.MachineKey = "shared"
			t.Datacenters[i].App.Sessions = "redis"
			t.Datacenters[i].LB.Persistence = "none"
		}
		t.Redis = &topology.Redis{Layout: layout}
	})
}

func TestASharedRedisStoreFailsNothingWithoutPersistence(t *testing.T) {
	m := stats.Expected(redisSessions("shared"), 3)
	if !m.Applies || m.FailureRate != 0 || m.Formula != "0" {
		t.Fatalf("shared store: %+v, want a rate of 0", m)
	}
}

func TestAStorePerDatacenterFailsAsSessionsThatDoNotTravel(t *testing.T) {
	m := stats.Expected(redisSessions("per-datacenter"), 3)
	if !m.Applies || m.Formula != "1 − Σ wᵢ²" {
		t.Fatalf("per-datacenter store: %+v, want 1 − Σ wᵢ²", m)
	}
	near(t, "per-datacenter", m.FailureRate, 0.5, 1e-12)
}

func replicatedSessions() topology.Topology {
	topo := redisSessions("replicated")
	topo.Redis.Primary = "dc-east"
	return topo
}

func TestReplicatedStoresWithoutLagFailNothing(t *testing.T) {
	if m := stats.Expected(replicatedSessions(), 3); !m.Applies || m.FailureRate != 0 {
		t.Fatalf("replicated, no lag: %+v, want a rate of 0", m)
	}
}

func TestAReadInAReplicaBeforeTheLagFails(t *testing.T) {
	lag := stats.Replication{Lag: map[string]time.Duration{"dc-west": time.Second}}
	m := stats.ExpectedReplicated(replicatedSessions(), 3, lag)
	if !m.Applies || m.Formula != "Σⱼ≠ₚ wⱼ·P(g < Lⱼ)" {
		t.Fatalf("login with a lagging replica: %+v", m)
	}
	near(t, "every read in the replica too soon", m.FailureRate, 0.5, 1e-12)

	lag.Gaps = []time.Duration{10 * time.Millisecond, 2 * time.Second, 3 * time.Second, 4 * time.Second}
	near(t, "a quarter of the reads too soon", stats.ExpectedReplicated(replicatedSessions(), 3, lag).FailureRate, 0.5*0.25, 1e-12)
}

func TestLaterReadsOfALongerFlowCanEachLandTooSoon(t *testing.T) {
	lag := stats.Replication{Lag: map[string]time.Duration{"dc-west": time.Second}}
	m := stats.ExpectedReplicated(replicatedSessions(), 5, lag)
	near(t, "change-password, three reads", m.FailureRate, 1-0.5*0.5*0.5, 1e-12)

	pinned := replicatedSessions()
	pinned.Edge.Persistence = "cookie"
	near(t, "edge persistence: one datacenter for every read", stats.ExpectedReplicated(pinned, 5, lag).FailureRate, 0.5, 1e-12)
}

func TestReplicatedWithPerDatacenterKeysIsNotModelled(t *testing.T) {
	topo := replicatedSessions()
	topo.Datacenters[1].App.MachineKey = "datacenter"
	if m := stats.Expected(topo, 3); m.Applies || !strings.Contains(m.Why, "machine key") {
		t.Fatalf("replicated with a per-datacenter key: %+v", m)
	}
}
