package fakeapp

import (
	"fmt"
	"strings"
	"time"
)

// KeyScope says which servers share a machine key, and therefore which
// servers can read each other's anti-forgery tokens.
type KeyScope string

const (
	// KeyScopeInstance: every instance has its own key (ASP.NET's
	// <machineKey AutoGenerate>): no two servers accept each other's tokens.
	KeyScopeInstance KeyScope = "instance"
	// KeyScopeDatacenter: instances with the same datacenter name share a key.
	KeyScopeDatacenter KeyScope = "datacenter"
	// KeyScopeShared: every instance given the same secret shares a key.
	KeyScopeShared KeyScope = "shared"
)

// check names s and the scopes there are when s is none of them.
func (s KeyScope) check() error {
	switch s {
	case KeyScopeInstance, KeyScopeDatacenter, KeyScopeShared:
		return nil
	}
	return fmt.Errorf("%q: must be instance, datacenter or shared", string(s))
}

// Defaults applied by New to zero-valued Config fields.
const (
	DefaultKeyScope          = KeyScopeDatacenter
	DefaultSecureCookies     = "auto"
	DefaultSessionTimeout    = 20 * time.Minute // ASP.NET's sessionState timeout
	DefaultMaxSessions       = 100000
	DefaultAntiForgeryCookie = "__RequestVerificationToken_L1ZQQw2"
	// DefaultKeySecret is used when Config.KeySecret is empty. It is public
	// and fixed so that key scopes work out of the box: two processes with
	// the same datacenter name agree on a key without any setup. It protects
	// nothing; it only makes the lab reproducible.
	DefaultKeySecret = "stickylab-default-machine-key-secret"
)

// DefaultUsers is the user table used when Config.Users is empty.
func DefaultUsers() map[string]string { return map[string]string{"alice": "wonderland"} }

// Config configures an App. Zero values take the defaults above, except
// Datacenter, which is required.
type Config struct {
	Datacenter, Instance string // Instance defaults to Datacenter+"-1"

	KeyScope       KeyScope          // "instance" | "datacenter" | "shared"
	KeySecret      string            // secret the machine key is derived from
	SecureCookies  string            // "auto" | "always" | "never"
	SessionTimeout time.Duration     // default 20m, sliding
	MaxSessions    int               // default 100000; oldest evicted beyond
	Users          map[string]string // default alice/wonderland

	// AntiForgeryCookie names the anti-forgery cookie (ASP.NET appends a
	// suffix derived from the application path).
	AntiForgeryCookie string

	// AdminHosts are the host names the admin API answers besides loopback
	// addresses and localhost, such as the instance's network alias.
	AdminHosts []string

	// Sessions replaces the in-process session store (e.g. a shared store).
	// When nil, New creates a MemoryStore with SessionTimeout and MaxSessions.
	Sessions SessionStore
	// StateFile, when set, keeps the settings changed at run time (the
	// machine key scope) across restarts: New restores them over KeyScope.
	// Its directory must exist and be writable.
	StateFile string
	// Clock replaces time.Now, so that expiry can be tested without sleeping.
	Clock func() time.Time
}

// withDefaults returns a copy of c with defaults filled in, or an error
// naming the first invalid field and its value.
func (c Config) withDefaults() (Config, error) {
	if c.Datacenter == "" {
		return c, fmt.Errorf("fakeapp: Config.Datacenter %q: must not be empty", c.Datacenter)
	}
	if err := checkName("Datacenter", c.Datacenter); err != nil {
		return c, err
	}
	if c.Instance == "" {
		c.Instance = c.Datacenter + "-1"
	}
	if err := checkName("Instance", c.Instance); err != nil {
		return c, err
	}
	if c.KeyScope == "" {
		c.KeyScope = DefaultKeyScope
	}
	if err := c.KeyScope.check(); err != nil {
		return c, fmt.Errorf("fakeapp: Config.KeyScope %w", err)
	}
	if c.KeySecret == "" {
		c.KeySecret = DefaultKeySecret
	}
	if c.SecureCookies == "" {
		c.SecureCookies = DefaultSecureCookies
	}
	switch c.SecureCookies {
	case "auto", "always", "never":
	default:
		return c, fmt.Errorf("fakeapp: Config.SecureCookies %q: must be auto, always or never", c.SecureCookies)
	}
	if c.SessionTimeout < 0 {
		return c, fmt.Errorf("fakeapp: Config.SessionTimeout %v: must not be negative", c.SessionTimeout)
	}
	if c.SessionTimeout == 0 {
		c.SessionTimeout = DefaultSessionTimeout
	}
	if c.MaxSessions < 0 {
		return c, fmt.Errorf("fakeapp: Config.MaxSessions %d: must not be negative", c.MaxSessions)
	}
	if c.MaxSessions == 0 {
		c.MaxSessions = DefaultMaxSessions
	}
	if c.AntiForgeryCookie == "" {
		c.AntiForgeryCookie = DefaultAntiForgeryCookie
	}
	if err := checkCookieName(c.AntiForgeryCookie); err != nil {
		return c, err
	}
	users, err := copyUsers(c.Users)
	if err != nil {
		return c, err
	}
	c.Users = users
	if c.Clock == nil {
		c.Clock = time.Now
	}
	return c, nil
}

// checkName keeps names safe to put in a header and to derive keys from.
func checkName(field, v string) error {
	for _, r := range v {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
			r == '-' || r == '_' || r == '.'
		if !ok {
			return fmt.Errorf("fakeapp: Config.%s %q: only letters, digits, '-', '_' and '.' are allowed", field, v)
		}
	}
	return nil
}

func checkCookieName(v string) error {
	if strings.ContainsAny(v, " \t\r\n\"(),/:;<=>?@[\\]{}") {
		return fmt.Errorf("fakeapp: Config.AntiForgeryCookie %q: not a valid cookie name", v)
	}
	return nil
}

// copyUsers copies the table so the caller's map is never mutated by a
// password change.
func copyUsers(in map[string]string) (map[string]string, error) {
	if len(in) == 0 {
		return DefaultUsers(), nil
	}
	out := make(map[string]string, len(in))
	for name, pw := range in {
		if name == "" {
			return nil, fmt.Errorf("fakeapp: Config.Users: user name %q: must not be empty", name)
		}
		if pw == "" {
			return nil, fmt.Errorf("fakeapp: Config.Users: user %q: password must not be empty", name)
		}
		out[name] = pw
	}
	return out, nil
}
