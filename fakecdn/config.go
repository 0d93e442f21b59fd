package fakecdn

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// Config is one load balancer: package policy's configuration type, which
// owns its fields, defaults and validation. Its YAML/JSON field names equal
// those of the topology file's edge:/lb: blocks (see docs/ARCHITECTURE.md).
type Config = policy.Config

// The configuration's parts and the admin API's wire types (GET /state,
// PATCH /config, PATCH /members/{name}), defined in package policy.
type (
	MemberConfig = policy.Member
	CookieConfig = policy.Cookie
	HealthConfig = policy.Health
	Duration     = policy.Duration
	FieldError   = policy.FieldError
	ConfigError  = policy.ConfigError
	State        = policy.State
	MemberState  = policy.MemberState
	ConfigPatch  = policy.Patch
	CookiePatch  = policy.CookiePatch
	MemberPatch  = policy.MemberPatch
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

func ptr[T any](v T) *T { return &v }
