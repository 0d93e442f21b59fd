package fakecdn

import (
	"bytes"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
)

// Config is one load balancer. Its YAML/JSON field names equal those of the
// topology file's edge:/lb: blocks (see docs/ARCHITECTURE.md).
type Config struct {
	Role              string         `yaml:"role,omitempty" json:"role"`
	Name              string         `yaml:"name,omitempty" json:"name"`
	Seed              int64          `yaml:"seed,omitempty" json:"seed"`
	Members           []MemberConfig `yaml:"members" json:"members"`
	Selection         string         `yaml:"selection,omitempty" json:"selection"`
	SelectionHeader   string         `yaml:"selection_header,omitempty" json:"selection_header"`
	HashCookie        string         `yaml:"hash_cookie,omitempty" json:"hash_cookie"`
	Persistence       string         `yaml:"persistence,omitempty" json:"persistence"`
	Cookie            CookieConfig   `yaml:"cookie,omitempty" json:"cookie"`
	SourceIPTTL       Duration       `yaml:"source_ip_ttl,omitempty" json:"source_ip_ttl"`
	Undecodable       string         `yaml:"undecodable,omitempty" json:"undecodable"`
	OnMemberDown      string         `yaml:"on_member_down,omitempty" json:"on_member_down"`
	PassthroughSingle *bool          `yaml:"passthrough_single,omitempty" json:"passthrough_single"`
	DecisionHeaders   *bool          `yaml:"decision_headers,omitempty" json:"decision_headers"`
	Health            HealthConfig   `yaml:"health,omitempty" json:"health"`
	// Vendor behaviour (profile.go, steering.go): see docs/vendors.md.
	Profile              string   `yaml:"profile,omitempty" json:"profile,omitempty"`
	SessionAffinity      string   `yaml:"session_affinity,omitempty" json:"session_affinity,omitempty"`
	ZeroDowntimeFailover string   `yaml:"zero_downtime_failover,omitempty" json:"zero_downtime_failover,omitempty"`
	DrainDuration        Duration `yaml:"drain_duration,omitempty" json:"drain_duration,omitempty"`
	FailoverStatusCodes  []int    `yaml:"failover_status_codes,omitempty" json:"failover_status_codes,omitempty"`
	FailoverAttempts     int      `yaml:"failover_attempts,omitempty" json:"failover_attempts,omitempty"`
	Steering             string   `yaml:"steering,omitempty" json:"steering,omitempty"`
	DNSTTL               Duration `yaml:"dns_ttl,omitempty" json:"dns_ttl,omitempty"`
	ResolverHeader       string   `yaml:"resolver_header,omitempty" json:"resolver_header,omitempty"`
	// TrustClientIP (edge): keep a client-sent True-Client-IP instead of
	// setting it from the peer address, as Akamai's True Client IP behavior
	// does with "allow clients to set True Client IP header" on.
	TrustClientIP bool `yaml:"trust_client_ip,omitempty" json:"trust_client_ip,omitempty"`
}

// MemberConfig is one member of the pool: a datacenter (edge) or an app instance (dc).
type MemberConfig struct {
	Name   string  `yaml:"name" json:"name"`
	URL    string  `yaml:"url" json:"url"`
	Weight float64 `yaml:"weight,omitempty" json:"weight"`
}

// CookieConfig is the persistence cookie: name, codec and lifetime (0 =
// session cookie), and HAProxy's cookie options nocache, httponly and
// secure. Omitted, they keep the behaviour fakecdn always had: no
// Cache-Control, HttpOnly, and Secure when the client connection is HTTPS.
type CookieConfig struct {
	Name  string   `yaml:"name,omitempty" json:"name"`
	Codec string   `yaml:"codec,omitempty" json:"codec"`
	TTL   Duration `yaml:"ttl,omitempty" json:"ttl"`
	// NoCache adds Cache-Control: private to a cacheable response that
	// inserts the cookie.
	NoCache bool `yaml:"nocache,omitempty" json:"nocache"`
	// HTTPOnly adds the HttpOnly attribute (nil: true).
	HTTPOnly *bool `yaml:"httponly,omitempty" json:"httponly,omitempty"`
	// Secure adds the Secure attribute always (true) or never (false); nil
	// adds it when the client connection is HTTPS.
	Secure *bool `yaml:"secure,omitempty" json:"secure,omitempty"`
	// Lifetime and vendor attributes (cookie_lifetime.go, cookie_attrs.go).
	MaxIdle   Duration `yaml:"max_idle,omitempty" json:"max_idle,omitempty"`
	MaxLife   Duration `yaml:"max_life,omitempty" json:"max_life,omitempty"`
	SameSite  string   `yaml:"samesite,omitempty" json:"samesite,omitempty"`
	CORS      *bool    `yaml:"cors,omitempty" json:"cors,omitempty"`
	AppCookie string   `yaml:"app_cookie,omitempty" json:"app_cookie,omitempty"`
	Expiry    string   `yaml:"expiry,omitempty" json:"expiry,omitempty"`
	ExpiresAt string   `yaml:"expires_at,omitempty" json:"expires_at,omitempty"`
	Salt      string   `yaml:"salt,omitempty" json:"salt,omitempty"`
}

// HealthConfig is the active health check: GET Path every Interval; a member
// turns unhealthy after Fall consecutive failures and healthy after Rise successes.
type HealthConfig struct {
	Path     string   `yaml:"path,omitempty" json:"path"`
	Interval Duration `yaml:"interval,omitempty" json:"interval"`
	Timeout  Duration `yaml:"timeout,omitempty" json:"timeout"`
	Rise     int      `yaml:"rise,omitempty" json:"rise"`
	Fall     int      `yaml:"fall,omitempty" json:"fall"`
}

// Duration is a time.Duration written as a string ("1s", "150ms") in YAML and JSON.
type Duration time.Duration

// MarshalText writes the duration as time.Duration.String does.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// UnmarshalText parses "1s", "150ms", ...; a bare "0" is zero.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("%q is not a duration like \"1s\" or \"150ms\"", b)
	}
	*d = Duration(v)
	return nil
}

// Std returns the time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }

// Enumerations accepted by Config.
var (
	Roles        = []string{"edge", "dc"}
	Selections   = []string{"random", "round-robin", "source-ip", "consistent-hash"}
	Persistences = []string{"none", "cookie", "source-ip"}
	Undecodables = []string{"reissue", "reject"}
	MemberDowns  = []string{"failover", "temporary", "strict"}
	MemberStates = []string{"up", "down", "draining"}
)

// ParseConfig reads a YAML (or JSON) configuration strictly: unknown fields
// are errors naming the line. Defaults are not applied; see WithDefaults.
func ParseConfig(data []byte) (Config, error) {
	var c Config
	if len(bytes.TrimSpace(data)) == 0 {
		return c, fmt.Errorf("config: empty")
	}
	if err := yaml.UnmarshalWithOptions(data, &c, yaml.DisallowUnknownField()); err != nil {
		return c, fmt.Errorf("config: %s", firstLine(yaml.FormatError(err, false, false)))
	}
	return c, nil
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return strings.TrimSpace(s[:i])
	}
	return s
}

// WithDefaults fills every zero field: role edge, name = role, random
// selection, no persistence, cookie cdn_dc (edge) or lbs (dc) with the
// f5-encrypted codec, reissue, failover, passthrough_single on at the edge
// only, decision headers on, health GET /healthz every 1s (timeout 1s, rise 2,
// fall 2), source_ip_ttl 10m, member weight 1.
func (c Config) WithDefaults() Config {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&c.Role, "edge")
	def(&c.Name, c.Role)
	c = c.withProfile()
	def(&c.Selection, "random")
	def(&c.Persistence, "none")
	def(&c.Undecodable, "reissue")
	def(&c.OnMemberDown, "failover")
	def(&c.Cookie.Codec, "f5-encrypted")
	if c.Cookie.HTTPOnly == nil {
		c.Cookie.HTTPOnly = ptr(true)
	}
	if c.Role == "dc" {
		def(&c.Cookie.Name, "lbs")
	} else {
		def(&c.Cookie.Name, "cdn_dc")
	}
	if c.SourceIPTTL == 0 {
		c.SourceIPTTL = Duration(10 * time.Minute)
	}
	if c.PassthroughSingle == nil {
		c.PassthroughSingle = ptr(c.Role == "edge")
	}
	if c.DecisionHeaders == nil {
		c.DecisionHeaders = ptr(true)
	}
	def(&c.Health.Path, "/healthz")
	if c.Health.Interval == 0 {
		c.Health.Interval = Duration(time.Second)
	}
	if c.Health.Timeout == 0 {
		c.Health.Timeout = Duration(time.Second)
	}
	if c.Health.Rise == 0 {
		c.Health.Rise = 2
	}
	if c.Health.Fall == 0 {
		c.Health.Fall = 2
	}
	c.Members = slices.Clone(c.Members)
	for i := range c.Members {
		if c.Members[i].Weight == 0 {
			c.Members[i].Weight = 1
		}
	}
	return c
}

func ptr[T any](v T) *T { return &v }

// Validate reports every problem at once, each naming its field, e.g.
// "members[1].weight: must be > 0". Call it on a configuration with defaults.
func (c Config) Validate() error {
	var errs ConfigError
	add, oneOf := errs.add, errs.oneOf
	oneOf("role", c.Role, Roles)
	if c.Name == "" {
		add("name", "must not be empty")
	}
	if len(c.Members) == 0 {
		add("members", "at least one member is needed")
	}
	seen := map[string]bool{}
	for i, m := range c.Members {
		f := fmt.Sprintf("members[%d]", i)
		switch {
		case m.Name == "":
			add(f+".name", "must not be empty")
		case seen[m.Name]:
			add(f+".name", "%q is used twice", m.Name)
		}
		seen[m.Name] = true
		if u, err := url.Parse(m.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			add(f+".url", "%q is not an http(s)://host:port URL", m.URL)
		}
		if m.Weight <= 0 {
			add(f+".weight", "must be > 0, got %v", m.Weight)
		}
	}
	errs = append(errs, c.validatePolicy()...)
	errs = append(errs, c.validateVendor()...)
	if c.SourceIPTTL < 0 {
		add("source_ip_ttl", "must not be negative")
	}
	if !strings.HasPrefix(c.Health.Path, "/") {
		add("health.path", "%q must start with /", c.Health.Path)
	}
	if c.Health.Interval <= 0 {
		add("health.interval", "must be > 0")
	}
	if c.Health.Timeout <= 0 {
		add("health.timeout", "must be > 0")
	}
	if c.Health.Rise < 1 {
		add("health.rise", "must be >= 1")
	}
	if c.Health.Fall < 1 {
		add("health.fall", "must be >= 1")
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// add records a problem with field.
func (e *ConfigError) add(field, format string, args ...any) {
	*e = append(*e, &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)})
}

// oneOf records a problem when v is not in set.
func (e *ConfigError) oneOf(field, v string, set []string) {
	if !slices.Contains(set, v) {
		e.add(field, "%q is not one of %s", v, strings.Join(set, ", "))
	}
}

// validatePolicy checks the fields PATCH /config may change.
func (c Config) validatePolicy() ConfigError {
	var errs ConfigError
	add, oneOf := errs.add, errs.oneOf
	oneOf("selection", c.Selection, Selections)
	oneOf("persistence", c.Persistence, Persistences)
	oneOf("undecodable", c.Undecodable, Undecodables)
	oneOf("on_member_down", c.OnMemberDown, MemberDowns)
	if c.Selection == "consistent-hash" && c.HashCookie == "" {
		add("hash_cookie", "must name a cookie when selection is consistent-hash")
	}
	if c.Cookie.Name == "" || strings.ContainsAny(c.Cookie.Name, " ;=,\t\r\n\"") {
		add("cookie.name", "%q is not a cookie name", c.Cookie.Name)
	}
	oneOf("cookie.codec", c.Cookie.Codec, CodecNames())
	if c.Cookie.TTL < 0 {
		add("cookie.ttl", "must not be negative")
	}
	return errs
}

// FieldError is one invalid field.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

// ConfigError lists every invalid field; its message is one line.
type ConfigError []*FieldError

func (e ConfigError) Error() string {
	parts := make([]string, len(e))
	for i, f := range e {
		parts[i] = f.Error()
	}
	return strings.Join(parts, "; ")
}

// Unwrap exposes each FieldError to errors.As.
func (e ConfigError) Unwrap() []error {
	out := make([]error, len(e))
	for i, f := range e {
		out[i] = f
	}
	return out
}
