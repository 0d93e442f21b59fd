// Package topology describes a stickylab topology: a CDN edge in front of
// datacenters, each a load balancer in front of app instances. The zero value
// of every optional field means "the default", and the defaults reproduce the
// incident: two equal datacenters, no persistence at the edge, an encrypted
// F5-style `lbs` cookie inside each datacenter, per-datacenter machine keys and
// in-memory sessions.
package topology

import (
	"time"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// Topology is the whole lab. Build it in Go or load it with Load/Parse.
type Topology struct {
	Name        string       `yaml:"name,omitempty" json:"name"`
	Seed        int64        `yaml:"seed,omitempty" json:"seed"`
	Edge        Edge         `yaml:"edge,omitempty" json:"edge"`
	Datacenters []Datacenter `yaml:"datacenters" json:"datacenters"`
	// Redis places the session stores of apps with sessions: redis.
	Redis *Redis `yaml:"redis,omitempty" json:"redis,omitempty"`
	// Notices are what WithDefaults chose that the user did not write and
	// should hear about (e.g. a redis layout); the CLI prints them.
	Notices []string `yaml:"-" json:"notices,omitempty"`
}

// Tier is the policy of one load balancer: the CDN edge or a datacenter LB.
// Its fields are those of fakecdn's configuration file, defined once in
// package policy: the policy itself, and the vendor behaviour
// (docs/vendors.md).
type Tier struct {
	policy.Tier `yaml:",inline"`
	// Engine is the balancer program of a datacenter tier: fakecdn (also
	// "") or haproxy (engine.go); the edge is always fakecdn.
	Engine        string `yaml:"engine,omitempty" json:"engine,omitempty"`
	policy.Vendor `yaml:",inline"`
}

// Cookie is a persistence cookie (package policy).
type Cookie = policy.Cookie

// Edge is the CDN tier: a Tier whose members are the datacenters, plus TLS.
type Edge struct {
	Tier         `yaml:",inline"`
	TLS          *bool `yaml:"tls,omitempty" json:"tls"`
	EdgeSteering `yaml:",inline"`
}

// Datacenter is one load balancer and its app instances.
type Datacenter struct {
	Name      string  `yaml:"name" json:"name"`
	Weight    float64 `yaml:"weight,omitempty" json:"weight"`
	Instances int     `yaml:"instances,omitempty" json:"instances"`
	LB        Tier    `yaml:"lb,omitempty" json:"lb"`
	App       App     `yaml:"app,omitempty" json:"app"`
}

// App configures the fake login app of every instance of a datacenter.
type App struct {
	MachineKey     string        `yaml:"machine_key,omitempty" json:"machine_key"`
	Sessions       string        `yaml:"sessions,omitempty" json:"sessions"`
	SessionTimeout time.Duration `yaml:"session_timeout,omitempty" json:"session_timeout,omitempty"`
	MaxSessions    int           `yaml:"max_sessions,omitempty" json:"max_sessions,omitempty"`
}

// Enumerations of the app settings accepted by the topology file; the
// tiers' are package policy's (selections and codecs: those fakecdn
// registers).
var (
	MachineKeys   = []string{"instance", "datacenter", "shared"}
	SessionStores = []string{"memory", "redis"}
)

// MaxContainers bounds a topology: one edge, one LB per datacenter, the instances.
const MaxContainers = 64

// Containers counts what the topology starts: the edge, each LB, each
// instance, each Redis store.
func (t Topology) Containers() int {
	n := 1 + t.RedisStores()
	for _, dc := range t.Datacenters {
		n += 1 + dc.Instances
	}
	return n
}

// Datacenter returns the datacenter named name.
func (t Topology) Datacenter(name string) (Datacenter, bool) {
	for _, dc := range t.Datacenters {
		if dc.Name == name {
			return dc, true
		}
	}
	return Datacenter{}, false
}

// InstanceNames lists a datacenter's instances: dc-east-1, dc-east-2, ...
func (dc Datacenter) InstanceNames() []string {
	names := make([]string, dc.Instances)
	for i := range names {
		names[i] = dc.Name + "-" + itoa(i+1)
	}
	return names
}

// Bool returns a pointer to b, for the optional switches.
func Bool(b bool) *bool { return &b }

// On reports whether an optional switch is set, with def when unset.
func On(b *bool, def bool) bool { return policy.On(b, def) }

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
