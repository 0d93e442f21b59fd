package stats_test

import (
	"testing"

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

func TestReplicatedStoresAreNotModelled(t *testing.T) {
	topo := redisSessions("replicated")
	topo.Redis.Primary = "dc-east"
	if m := stats.Expected(topo, 3); m.Applies || m.Why == "" {
		t.Fatalf("replicated: %+v, want Applies=false with a reason", m)
	}
}
