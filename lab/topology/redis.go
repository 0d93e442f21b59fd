package topology

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Redis places the session store of the apps whose app.sessions is redis.
type Redis struct {
	// Layout is shared (one store for every datacenter), per-datacenter
	// (one store in each) or replicated (a primary and a replica in every
	// other datacenter).
	Layout string `yaml:"layout,omitempty" json:"layout"`
	// Primary is the datacenter of the primary, with layout replicated.
	Primary string `yaml:"primary,omitempty" json:"primary,omitempty"`
	// MaxMemory bounds each store, in redis.conf's units (64mb, 1gb).
	MaxMemory string `yaml:"maxmemory,omitempty" json:"maxmemory"`
	// Policy is the eviction policy once MaxMemory is reached.
	Policy string `yaml:"maxmemory_policy,omitempty" json:"maxmemory_policy"`
}

// Redis layouts and eviction policies accepted by the topology file.
var (
	RedisLayouts  = []string{"shared", "per-datacenter", "replicated"}
	RedisPolicies = []string{"volatile-lru", "allkeys-lru", "volatile-lfu", "allkeys-lfu", "volatile-ttl", "noeviction"}
)

// Defaults of the redis block. Sessions carry a TTL, so volatile-lru evicts
// the least recently used session, as a memory bound in front of ASP.NET's
// provider would.
const (
	DefaultRedisLayout    = "shared"
	DefaultRedisMaxMemory = "64mb"
	DefaultRedisPolicy    = "volatile-lru"
)

// UsesRedis reports whether any datacenter keeps its sessions in Redis.
func (t Topology) UsesRedis() bool {
	return slices.ContainsFunc(t.Datacenters, func(dc Datacenter) bool { return dc.App.Sessions == "redis" })
}

// redisWithDefaults fills the redis block when an app needs it, and says so
// when the whole block was missing.
func (t Topology) redisWithDefaults() (*Redis, []string) {
	if !t.UsesRedis() && t.Redis == nil {
		return nil, nil
	}
	var notices []string
	r := Redis{}
	if t.Redis != nil {
		r = *t.Redis
	} else {
		notices = append(notices, fmt.Sprintf("sessions: redis without a redis: block: using layout %s (one store for every datacenter)", DefaultRedisLayout))
	}
	if r.Layout == "" {
		r.Layout = DefaultRedisLayout
	}
	if r.MaxMemory == "" {
		r.MaxMemory = DefaultRedisMaxMemory
	}
	if r.Policy == "" {
		r.Policy = DefaultRedisPolicy
	}
	return &r, notices
}

var redisMemory = regexp.MustCompile(`^[1-9][0-9]*(b|kb|mb|gb)?$`)

func (v *validator) redis(t Topology) {
	r := t.Redis
	if r == nil {
		return
	}
	v.oneOf("redis.layout", r.Layout, RedisLayouts)
	v.oneOf("redis.maxmemory_policy", r.Policy, RedisPolicies)
	if !redisMemory.MatchString(strings.ToLower(r.MaxMemory)) {
		v.add("redis.maxmemory", "%q is not a size such as 64mb", r.MaxMemory)
	}
	switch {
	case r.Layout == "replicated" && r.Primary == "":
		v.add("redis.primary", "layout replicated needs the datacenter of the primary")
	case r.Primary != "" && r.Layout != "replicated":
		v.add("redis.primary", "only layout replicated has a primary, not %s", r.Layout)
	case r.Primary != "":
		if _, ok := t.Datacenter(r.Primary); !ok {
			v.add("redis.primary", "%q is not a datacenter of this topology (have %s)", r.Primary, strings.Join(t.datacenterNames(), ", "))
		}
	}
}

func (t Topology) datacenterNames() []string {
	names := make([]string, len(t.Datacenters))
	for i, dc := range t.Datacenters {
		names[i] = dc.Name
	}
	return names
}

// RedisStores counts the Redis servers the topology starts.
func (t Topology) RedisStores() int {
	if t.Redis == nil || !t.UsesRedis() {
		return 0
	}
	if t.Redis.Layout == "shared" {
		return 1
	}
	return len(t.Datacenters)
}
