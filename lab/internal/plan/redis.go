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
	// ReplicaOf is the store this one replicates, with layout replicated:
	// "" for a primary or a store of its own.
	ReplicaOf string
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
		// A replica's first sync starts at once, not after the 5 s a
		// primary waits by default for more replicas to join it.
		"--repl-diskless-sync-delay", "0",
	}
}

// ReplicaArgs are the arguments that make redis-server a read-only replica
// of the primary reached at host:port ("" when s is no replica): the
// address of its replication link (ReplicationLink), as the runtime
// reaches it.
func (s Store) ReplicaArgs(host string, port int) []string {
	if s.ReplicaOf == "" {
		return nil
	}
	// The replica loads its first sync straight from the socket: a scratch
	// image has no directory to write an RDB file to.
	return []string{"--replicaof", host, strconv.Itoa(port), "--replica-read-only", "yes", "--repl-diskless-load", "on-empty-db"}
}

// ReplicationLink names the WAN link a replica in datacenter dc replicates
// over: from the replica to its primary, a link like the edge's (its
// downstream is the replication stream).
func ReplicationLink(dc string) string { return dc + "-replication" }

// replicationLinks adds each replica's replication link.
func (p *Plan) replicationLinks() {
	for _, s := range p.Stores {
		if s.ReplicaOf != "" {
			// Unique: one replica per datacenter, and no datacenter is
			// named like a replication link (names end with -replication).
			_, _ = p.AddLink(ReplicationLink(s.Datacenter), s.Name, s.ReplicaOf, PortRedis)
		}
	}
}

// SharedStoreName is the node name of the store of the shared layout.
const SharedStoreName = "redis"

// StoreName is the node name of a datacenter's own store.
func StoreName(dc string) string { return dc + "-redis" }

// storeUse is which stores a datacenter's apps read and write; both ""
// for memory sessions, and equal unless the layout is replicated.
type storeUse struct{ read, write string }

// stores plans the Redis stores of t and says which stores each
// datacenter's apps use.
func stores(t topology.Topology) ([]Store, map[string]storeUse, error) {
	if t.RedisStores() == 0 {
		return nil, nil, nil
	}
	r := t.Redis
	use := map[string]storeUse{}
	switch r.Layout {
	case "shared":
		s := Store{Name: SharedStoreName, MaxMemory: r.MaxMemory, Policy: r.Policy}
		for _, dc := range t.Datacenters {
			if dc.App.Sessions == "redis" {
				s.Networks = append(s.Networks, dc.Name)
				use[dc.Name] = storeUse{s.Name, s.Name}
			}
		}
		return []Store{s}, use, nil
	case "per-datacenter":
		var out []Store
		for _, dc := range t.Datacenters {
			s := Store{Name: StoreName(dc.Name), Datacenter: dc.Name, Networks: []string{dc.Name}, MaxMemory: r.MaxMemory, Policy: r.Policy}
			out = append(out, s)
			if dc.App.Sessions == "redis" {
				use[dc.Name] = storeUse{s.Name, s.Name}
			}
		}
		return out, use, nil
	case "replicated":
		return replicated(t)
	}
	return nil, nil, fmt.Errorf("plan: redis.layout %q: want shared, per-datacenter or replicated", r.Layout)
}

// replicated plans a primary in redis.primary and a replica of it in every
// other datacenter. Every app reads its own datacenter's store and writes
// the primary, so the primary is on every datacenter's network.
func replicated(t topology.Topology) ([]Store, map[string]storeUse, error) {
	r := t.Redis
	if _, ok := t.Datacenter(r.Primary); !ok {
		return nil, nil, fmt.Errorf("plan: redis.primary %q: not a datacenter of this topology", r.Primary)
	}
	primary := Store{Name: StoreName(r.Primary), Datacenter: r.Primary, MaxMemory: r.MaxMemory, Policy: r.Policy}
	out := []Store{{}} // the primary goes first: replicas need it running
	use := map[string]storeUse{}
	for _, dc := range t.Datacenters {
		primary.Networks = append(primary.Networks, dc.Name)
		if dc.Name != r.Primary {
			out = append(out, Store{Name: StoreName(dc.Name), Datacenter: dc.Name, Networks: []string{dc.Name},
				MaxMemory: r.MaxMemory, Policy: r.Policy, ReplicaOf: primary.Name})
		}
		if dc.App.Sessions == "redis" {
			use[dc.Name] = storeUse{StoreName(dc.Name), primary.Name}
		}
	}
	out[0] = primary
	return out, use, nil
}

// StoreOf is the store a datacenter's apps read their sessions from: the
// one store of the shared layout, else the datacenter's own.
func (p *Plan) StoreOf(dc string) (Store, error) {
	for _, s := range p.Stores {
		if s.Datacenter == dc || s.Datacenter == "" {
			return s, nil
		}
	}
	return Store{}, fmt.Errorf("datacenter %q has no redis store in this lab", dc)
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
