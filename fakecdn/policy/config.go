package policy

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Config is one load balancer as fakecdn runs it: its YAML configuration
// file, and the "config" of GET /state. The policy (Tier) and the vendor
// behaviour (Vendor) are inlined; their field names equal those of the
// topology file's edge:/lb: blocks (docs/ARCHITECTURE.md).
type Config struct {
	Role    string   `yaml:"role,omitempty" json:"role"`
	Name    string   `yaml:"name,omitempty" json:"name"`
	Seed    int64    `yaml:"seed,omitempty" json:"seed"`
	Members []Member `yaml:"members" json:"members"`
	Tier    `yaml:",inline"`
	Health  Health `yaml:"health,omitempty" json:"health"`
	Vendor  `yaml:",inline"`
	// Steering (edge): per-request | dns, with dns_ttl and the header that
	// names a client's resolver (docs/analysis.md).
	Steering       string   `yaml:"steering,omitempty" json:"steering,omitempty"`
	DNSTTL         Duration `yaml:"dns_ttl,omitempty" json:"dns_ttl,omitempty"`
	ResolverHeader string   `yaml:"resolver_header,omitempty" json:"resolver_header,omitempty"`
	// TrustClientIP (edge): keep a client-sent True-Client-IP instead of
	// setting it from the peer address, as Akamai's True Client IP behavior
	// does with "allow clients to set True Client IP header" on.
	TrustClientIP bool `yaml:"trust_client_ip,omitempty" json:"trust_client_ip,omitempty"`
}

// Member is one member of the pool: a datacenter (edge) or an app instance (dc).
type Member struct {
	Name   string  `yaml:"name" json:"name"`
	URL    string  `yaml:"url" json:"url"`
	Weight float64 `yaml:"weight,omitempty" json:"weight"`
}

// Health is the active health check: GET Path every Interval; a member
// turns unhealthy after Fall consecutive failures and healthy after Rise successes.
type Health struct {
	Path     string   `yaml:"path,omitempty" json:"path"`
	Interval Duration `yaml:"interval,omitempty" json:"interval"`
	Timeout  Duration `yaml:"timeout,omitempty" json:"timeout"`
	Rise     int      `yaml:"rise,omitempty" json:"rise"`
	Fall     int      `yaml:"fall,omitempty" json:"fall"`
}

const defaultSourceIPTTL = 10 * time.Minute

// WithDefaults fills every zero field: role edge, name = role, the vendor
// profile's documented values, then Defaults(role), health GET /healthz
// every 1s (timeout 1s, rise 2, fall 2), member weight 1.
func (c Config) WithDefaults() Config {
	fill(&c.Role, RoleEdge)
	fill(&c.Name, c.Role)
	c = c.withProfile()
	c.Tier = c.Tier.Fill(Defaults(c.Role))
	fill(&c.Health.Path, "/healthz")
	fill(&c.Health.Interval, Duration(time.Second))
	fill(&c.Health.Timeout, Duration(time.Second))
	fill(&c.Health.Rise, 2)
	fill(&c.Health.Fall, 2)
	c.Members = slices.Clone(c.Members)
	for i := range c.Members {
		fill(&c.Members[i].Weight, 1)
	}
	return c
}

// Validate reports every problem at once, each naming its field, e.g.
// "members[1].weight: must be > 0". Call it on a configuration with defaults.
func (c Config) Validate() error {
	var errs ConfigError
	oneOf(&errs, "role", c.Role, Roles)
	if c.Name == "" {
		errs.add("name", "must not be empty")
	}
	if len(c.Members) == 0 {
		errs.add("members", "at least one member is needed")
	}
	seen := map[string]bool{}
	for i, m := range c.Members {
		f := fmt.Sprintf("members[%d]", i)
		switch {
		case m.Name == "":
			errs.add(f+".name", "must not be empty")
		case seen[m.Name]:
			errs.add(f+".name", "%q is used twice", m.Name)
		}
		seen[m.Name] = true
		if u, err := url.Parse(m.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs.add(f+".url", "%q is not an http(s)://host:port URL", m.URL)
		}
		if m.Weight <= 0 {
			errs.add(f+".weight", "must be > 0, got %v", m.Weight)
		}
	}
	errs = append(errs, c.ValidatePolicy()...)
	errs = append(errs, c.Vendor.Validate()...)
	errs = append(errs, c.validateRanges()...)
	if !strings.HasPrefix(c.Health.Path, "/") {
		errs.add("health.path", "%q must start with /", c.Health.Path)
	}
	if c.Health.Interval <= 0 {
		errs.add("health.interval", "must be > 0")
	}
	if c.Health.Timeout <= 0 {
		errs.add("health.timeout", "must be > 0")
	}
	if c.Health.Rise < 1 {
		errs.add("health.rise", "must be >= 1")
	}
	if c.Health.Fall < 1 {
		errs.add("health.fall", "must be >= 1")
	}
	return errs.Err()
}

// ValidatePolicy checks the fields PATCH /config may change.
func (c Config) ValidatePolicy() ConfigError {
	return append(c.Tier.Validate(c.Vendor), c.validateSteering()...)
}
