package topology_test

import (
	"strings"
	"testing"

	"github.com/stickylab/stickylab/lab/topology"
)

func TestRedisSessionsWithoutABlockTakeSharedAndSaySo(t *testing.T) {
	topo, err := topology.Parse("r.yaml", []byte("datacenters:\n  - {name: dc-east, app: {sessions: redis}}\n  - {name: dc-west, app: {sessions: redis}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if topo.Redis == nil || topo.Redis.Layout != "shared" || topo.Redis.MaxMemory != "64mb" || topo.Redis.Policy != "volatile-lru" {
		t.Fatalf("redis = %+v, want the shared default", topo.Redis)
	}
	if len(topo.Notices) != 1 || !strings.Contains(topo.Notices[0], "layout shared") {
		t.Fatalf("notices = %q, want one naming layout shared", topo.Notices)
	}
	if n := topo.Containers(); n != 1+2*3+1 {
		t.Fatalf("Containers = %d, want 8 (edge, 2 LBs, 4 apps, 1 redis)", n)
	}
}

func TestMemorySessionsNeedNoRedis(t *testing.T) {
	topo := topology.Default()
	if topo.Redis != nil || len(topo.Notices) != 0 || topo.RedisStores() != 0 {
		t.Fatalf("the default topology has redis %+v, notices %q", topo.Redis, topo.Notices)
	}
}

func TestPerDatacenterRedisCountsOneStoreEach(t *testing.T) {
	topo, err := topology.Parse("r.yaml", []byte("redis: {layout: per-datacenter}\ndatacenters:\n  - {name: dc-east, app: {sessions: redis}}\n  - {name: dc-west, app: {sessions: redis}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if topo.RedisStores() != 2 || len(topo.Notices) != 0 {
		t.Fatalf("stores %d, notices %q", topo.RedisStores(), topo.Notices)
	}
}

func TestRedisBlockErrorsNameTheField(t *testing.T) {
	cases := map[string]string{
		"redis: {layout: replicated}\n":                    `redis.primary: layout replicated needs the datacenter of the primary`,
		"redis: {layout: replicated, primary: dc-north}\n": `redis.primary: "dc-north" is not a datacenter of this topology (have dc-east)`,
		"redis: {layout: shared, primary: dc-east}\n":      `redis.primary: only layout replicated`,
		"redis: {layout: cluster}\n":                       `redis.layout: "cluster" is not one of shared, per-datacenter, replicated`,
		"redis: {maxmemory: lots}\n":                       `redis.maxmemory: "lots"`,
		"redis: {maxmemory_policy: random}\n":              `redis.maxmemory_policy: "random"`,
	}
	for src, want := range cases {
		_, err := topology.Parse("r.yaml", []byte(src+"datacenters: [{name: dc-east, app: {sessions: redis}}]\n"))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %s", strings.TrimSpace(src), err, want)
		}
	}
}
