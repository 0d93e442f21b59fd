package plan

import (
	"fmt"
	"strconv"

	"github.com/stickylab/stickylab/lab/topology"
)

// PortRedis is the port a Redis store listens on inside its container.
const PortRedis = 6379

// Store is one Redis session store. Stores are kept apart from Nodes: they
// run redis-server (or miniredis), not a stickylab program, and are started
// before the apps that need them.
type Store struct {
	Name       string   // redis (shared) or <dc>-redis: also its network alias
	Datacenter string   // "" for the shared store
	Networks   []string // every network whose apps use it
	MaxMemory  string   // e.g. 64mb
	Policy     string   // maxmemory-policy, e.g. volatile-lru
}

// Args are redis-server's arguments: an in-memory cache with a bounded
// memory, no persistence (the lab starts from nothing every time). Protected
// mode is off: it refuses every client but loopback ones when no password is
// set, and the apps reach the store over the lab's private networks.
func (s Store) Args(port int) []string {
	return []string{
		"--port", strconv.Itoa(port), "--protected-mode", "no",
		"--save", "", "--appendonly", "no",
		"--maxmemory", s.MaxMemory, "--maxmemory-policy", s.Policy,
	}
}

// SharedStoreName is the node name of the store of the shared layout.
const SharedStoreName = "redis"

// StoreName is the node name of a datacenter's own store.
func StoreName(dc string) string { return dc + "-redis" }

// stores plans the Redis stores of t and says which store each datacenter's
// apps use ("" for memory sessions).
func stores(t topology.Topology) ([]Store, map[string]string, error) {
	if t.RedisStores() == 0 {
		return nil, nil, nil
	}
	r := t.Redis
	use := map[string]string{}
	switch r.Layout {
	case "shared":
		s := Store{Name: SharedStoreName, MaxMemory: r.MaxMemory, Policy: r.Policy}
		for _, dc := range t.Datacenters {
			if dc.App.Sessions == "redis" {
				s.Networks = append(s.Networks, dc.Name)
				use[dc.Name] = s.Name
			}
		}
		return []Store{s}, use, nil
	case "per-datacenter":
		var out []Store
		for _, dc := range t.Datacenters {
			s := Store{Name: StoreName(dc.Name), Datacenter: dc.Name, Networks: []string{dc.Name}, MaxMemory: r.MaxMemory, Policy: r.Policy}
			out = append(out, s)
			if dc.App.Sessions == "redis" {
				use[dc.Name] = s.Name
			}
		}
		return out, use, nil
	}
	return nil, nil, fmt.Errorf("plan: redis.layout %s: not built yet; use shared or per-datacenter", r.Layout)
}

// Store returns the store named name.
func (p *Plan) Store(name string) (Store, error) {
	for _, s := range p.Stores {
		if s.Name == name {
			return s, nil
		}
	}
	return Store{}, fmt.Errorf("no redis store %q in this lab", name)
}
