package fakecdn

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/stickylab/stickylab/internal/atomicfile"
)

// The state file is the LB's saved running configuration, as a real
// balancer keeps one (F5's saved config, HAProxy's server-state-file): every
// admin change is written to it before it takes effect, and New loads it, so
// a stopped and started LB comes back with the policy, member admin states,
// weights, delays and cookie key it had. Health, counters and the source-ip
// stick table are not saved: a restarted balancer learns them again.

// stateVersion is the state file's format; a file of another version is refused.
const stateVersion = 1

// savedState is the state file's JSON.
type savedState struct {
	Version int           `json:"version"`
	Name    string        `json:"name"`
	Role    string        `json:"role"`
	Config  ConfigPatch   `json:"config"` // every field PATCH /config may change
	Members []savedMember `json:"members"`
	Key     savedKey      `json:"key"`
}

// savedMember is what the admin API may change about a member.
type savedMember struct {
	Name   string   `json:"name"`
	State  string   `json:"state"`
	Weight float64  `json:"weight"`
	Delay  Duration `json:"delay"`
}

// savedKey is the f5-encrypted key: cookies issued before a restart must
// still decode after it, unless the key was rotated.
type savedKey struct {
	Generation int    `json:"generation"`
	Material   []byte `json:"material"` // 32 bytes, base64 in JSON
}

// WithStateFile saves the LB's running configuration to path on every admin
// change (written to a temporary file and renamed, mode 0600: it holds the
// cookie key) and restores it in New when the file exists. The file's
// directory must exist and be writable. An empty path turns saving off.
func WithStateFile(path string) Option {
	return func(lb *LB) error {
		lb.stateFile = path
		return nil
	}
}

// savedState is the LB's state with cfg as its configuration; lb.mu is held
// (or lb is not shared yet).
func (lb *LB) savedState(cfg Config) savedState {
	st := savedState{
		Version: stateVersion, Name: cfg.Name, Role: cfg.Role, Config: cfg.Patch(),
		Key: savedKey{Generation: lb.keyN, Material: lb.key},
	}
	for _, m := range lb.pool.members {
		st.Members = append(st.Members, savedMember{Name: m.name, State: m.getState(), Weight: m.getWeight(), Delay: Duration(m.getDelay())})
	}
	return st
}

// save writes st to the state file atomically; without one it does nothing.
func (lb *LB) save(st savedState) error {
	if lb.stateFile == "" {
		return nil
	}
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("state file %s: %w", lb.stateFile, err)
	}
	if err := atomicfile.Write(lb.stateFile, append(data, '\n')); err != nil {
		return fmt.Errorf("state file %s: %w", lb.stateFile, err)
	}
	return nil
}

// restore lays the state file, when there is one, over cfg (defaults
// applied, valid) and the pool, and sets the key. A file of another LB, of
// another version, or holding an invalid value is an error naming the file:
// a balancer that cannot load its saved configuration does not start with
// another one.
func (lb *LB) restore(cfg Config) (Config, error) {
	if lb.stateFile == "" {
		return cfg, nil
	}
	data, err := os.ReadFile(lb.stateFile)
	if errors.Is(err, fs.ErrNotExist) {
		return cfg, nil
	}
	if err != nil {
		return cfg, fmt.Errorf("state file: %w", err)
	}
	var st savedState
	if err := json.Unmarshal(data, &st); err != nil {
		return cfg, fmt.Errorf("state file %s: %w", lb.stateFile, err)
	}
	switch {
	case st.Version != stateVersion:
		return cfg, fmt.Errorf("state file %s: version %d, want %d", lb.stateFile, st.Version, stateVersion)
	case st.Name != cfg.Name || st.Role != cfg.Role:
		return cfg, fmt.Errorf("state file %s: saved by %s (role %s), not by %s (role %s)", lb.stateFile, st.Name, st.Role, cfg.Name, cfg.Role)
	case len(st.Key.Material) != 32:
		return cfg, fmt.Errorf("state file %s: key of %d bytes, want 32", lb.stateFile, len(st.Key.Material))
	}
	cfg = cfg.Apply(st.Config)
	if errs := cfg.ValidatePolicy(); len(errs) > 0 {
		return cfg, fmt.Errorf("state file %s: %w", lb.stateFile, errs)
	}
	cfg.Members = append([]MemberConfig(nil), cfg.Members...)
	for _, sm := range st.Members {
		// Members the configuration no longer has are dropped, as HAProxy
		// skips server-state lines for servers it does not know.
		if err := lb.restoreMember(&cfg, sm); err != nil {
			return cfg, fmt.Errorf("state file %s: %w", lb.stateFile, err)
		}
	}
	lb.key, lb.keyN = st.Key.Material, st.Key.Generation
	return cfg, nil
}

func (lb *LB) restoreMember(cfg *Config, sm savedMember) error {
	m := lb.pool.get(sm.Name)
	if m == nil {
		return nil
	}
	if err := (MemberPatch{State: &sm.State, Weight: &sm.Weight, Delay: &sm.Delay}).Validate().Err(); err != nil {
		return fmt.Errorf("member %s: %w", sm.Name, err)
	}
	m.setState(sm.State)
	m.setWeight(sm.Weight)
	m.setDelay(sm.Delay.Std())
	for i := range cfg.Members {
		if cfg.Members[i].Name == sm.Name {
			cfg.Members[i].Weight = sm.Weight
		}
	}
	return nil
}
