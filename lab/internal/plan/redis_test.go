package plan_test

import (
	"strings"
	"testing"

	"github.com/stickylab/stickylab/lab/internal/plan"
	"github.com/stickylab/stickylab/lab/topology"
)

func redisTopology(layout string) topology.Topology {
	t := topology.Topology{Seed: 7, Datacenters: []topology.Datacenter{
		{Name: "dc-east", App: topology.App{Sessions: "redis"}},
		{Name: "dc-west", App: topology.App{Sessions: "redis"}},
	}}
	if layout != "" {
		t.Redis = &topology.Redis{Layout: layout}
	}
	return t
}

func TestASharedStoreServesEveryDatacenterWithOnePrefix(t *testing.T) {
	p, err := plan.New(redisTopology(""))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Stores) != 1 || p.Stores[0].Name != "redis" || strings.Join(p.Stores[0].Networks, ",") != "dc-east,dc-west" {
		t.Fatalf("stores = %+v, want one redis on both datacenter networks", p.Stores)
	}
	app, _ := p.Node("dc-west-1")
	want := "--sessions redis --redis-addr redis:6379 --redis-prefix stickylab-7"
	if got := strings.Join(app.App.Args(), " "); !strings.Contains(got, want) {
		t.Fatalf("app args %q, want %q", got, want)
	}
	args := strings.Join(p.Stores[0].Args(6379), " ")
	if args != "--port 6379 --protected-mode no --save  --appendonly no --maxmemory 64mb --maxmemory-policy volatile-lru --repl-diskless-sync-delay 0" {
		t.Fatalf("redis-server args %q", args)
	}
}

func TestPerDatacenterStoresServeTheirOwnApps(t *testing.T) {
	p, err := plan.New(redisTopology("per-datacenter"))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Stores) != 2 || p.Stores[1].Name != "dc-west-redis" {
		t.Fatalf("stores = %+v", p.Stores)
	}
	app, _ := p.Node("dc-west-1")
	if app.App.Store != "dc-west-redis" {
		t.Fatalf("dc-west-1 uses store %q", app.App.Store)
	}
}

func TestMemorySessionsPlanNoStore(t *testing.T) {
	p, err := plan.New(topology.Default())
	if err != nil {
		t.Fatal(err)
	}
	app, _ := p.Node("dc-east-1")
	if len(p.Stores) != 0 || !strings.Contains(strings.Join(app.App.Args(), " "), "--sessions memory") {
		t.Fatalf("stores %+v, args %q", p.Stores, app.App.Args())
	}
}

func TestReplicatedStoresReadLocallyAndWriteThePrimary(t *testing.T) {
	topo := redisTopology("replicated")
	topo.Redis.Primary = "dc-west"
	p, err := plan.New(topo)
	if err != nil {
		t.Fatal(err)
	}
	primary, replica := p.Stores[0], p.Stores[1]
	if primary.Name != "dc-west-redis" || primary.ReplicaOf != "" || strings.Join(primary.Networks, ",") != "dc-east,dc-west" {
		t.Fatalf("primary = %+v, want dc-west-redis first, on every datacenter's network", primary)
	}
	if replica.Name != "dc-east-redis" || replica.ReplicaOf != "dc-west-redis" || strings.Join(replica.Networks, ",") != "dc-east" {
		t.Fatalf("replica = %+v, want dc-east-redis replicating dc-west-redis", replica)
	}
	if got := strings.Join(replica.ReplicaArgs("10.0.0.9", 6380), " "); got != "--replicaof 10.0.0.9 6380 --replica-read-only yes --repl-diskless-load on-empty-db" {
		t.Fatalf("replica args %q", got)
	}
	if primary.ReplicaArgs("x", 1) != nil {
		t.Fatal("the primary replicates nothing")
	}
	east, _ := p.Node("dc-east-1")
	want := "--redis-addr dc-east-redis:6379 --redis-prefix stickylab-7 --redis-write-addr dc-west-redis:6379"
	if got := strings.Join(east.App.Args(), " "); !strings.Contains(got, want) {
		t.Fatalf("dc-east app args %q, want %q", got, want)
	}
	west, _ := p.Node("dc-west-1")
	if got := strings.Join(west.App.Args(), " "); strings.Contains(got, "--redis-write-addr") {
		t.Fatalf("dc-west app args %q: an app beside the primary writes where it reads", got)
	}
	l, err := p.Link("dc-east-replication")
	if err != nil || l.From != "dc-east-redis" || l.To != "dc-west-redis" || l.Upstream() != "dc-west-redis:6379" {
		t.Fatalf("replication link = %+v, %v; want dc-east-redis → dc-west-redis:6379", l, err)
	}
	if s, err := p.StoreOf("dc-east"); err != nil || s.Name != "dc-east-redis" {
		t.Fatalf("StoreOf(dc-east) = %+v, %v", s, err)
	}
}
