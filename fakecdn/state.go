package fakecdn

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// State is GET /state: the LB, its current configuration and its members.
type State struct {
	Name    string        `json:"name"`
	Role    string        `json:"role"`
	Config  Config        `json:"config"`
	Members []MemberState `json:"members"`
	// KeyGeneration counts the f5-encrypted key's rotations (0: the first
	// key). It survives a restart with a state file, as the key does.
	KeyGeneration int `json:"key_generation"`
}

// MemberState is one member as GET /state reports it.
type MemberState struct {
	Name     string   `json:"name"`
	URL      string   `json:"url"`
	Weight   float64  `json:"weight"`
	State    string   `json:"state"` // up | down | draining
	Healthy  bool     `json:"healthy"`
	Delay    Duration `json:"delay"`
	Requests uint64   `json:"requests"`
}

// ConfigPatch is PATCH /config: nil fields stay as they are.
type ConfigPatch struct {
	Selection         *string      `json:"selection,omitempty"`
	SelectionHeader   *string      `json:"selection_header,omitempty"`
	HashCookie        *string      `json:"hash_cookie,omitempty"`
	Persistence       *string      `json:"persistence,omitempty"`
	Undecodable       *string      `json:"undecodable,omitempty"`
	OnMemberDown      *string      `json:"on_member_down,omitempty"`
	PassthroughSingle *bool        `json:"passthrough_single,omitempty"`
	DecisionHeaders   *bool        `json:"decision_headers,omitempty"`
	Cookie            *CookiePatch `json:"cookie,omitempty"`
}

// CookiePatch changes the persistence cookie; nil fields stay.
type CookiePatch struct {
	Name     *string   `json:"name,omitempty"`
	Codec    *string   `json:"codec,omitempty"`
	TTL      *Duration `json:"ttl,omitempty"`
	NoCache  *bool     `json:"nocache,omitempty"`
	HTTPOnly *bool     `json:"httponly,omitempty"`
	Secure   *bool     `json:"secure,omitempty"` // there is no way back to "when HTTPS" but the start configuration
}

// MemberPatch is PATCH /members/{name}: nil fields stay as they are.
type MemberPatch struct {
	State  *string   `json:"state,omitempty"`  // up | down | draining
	Weight *float64  `json:"weight,omitempty"` // > 0
	Delay  *Duration `json:"delay,omitempty"`  // added before proxying, >= 0
}

// ErrUnknownMember is returned (wrapped) by SetMember for a name not in the pool.
var ErrUnknownMember = errors.New("unknown member")

// State reports the LB now.
func (lb *LB) State() State {
	s := lb.snap.Load()
	st := State{Name: s.cfg.Name, Role: s.cfg.Role, Config: s.cfg, KeyGeneration: s.keyGen}
	st.Config.Members = slices.Clone(s.cfg.Members)
	for i, m := range lb.pool.members {
		w := m.getWeight()
		st.Config.Members[i].Weight = w
		st.Members = append(st.Members, MemberState{
			Name: m.name, URL: m.url.String(), Weight: w, State: m.getState(),
			Healthy: m.healthy.Load(), Delay: Duration(m.getDelay()), Requests: m.requests.Load(),
		})
	}
	return st
}

// Configure applies p atomically: on any invalid field nothing changes and
// the error is a ConfigError naming the fields. The next request sees it.
func (lb *LB) Configure(p ConfigPatch) error {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	cfg := lb.snap.Load().cfg.patched(p)
	if errs := cfg.validatePolicy(); len(errs) > 0 {
		return errs
	}
	return lb.swap(cfg)
}

// patched is c with the fields p sets.
func (c Config) patched(p ConfigPatch) Config {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&c.Selection, p.Selection)
	set(&c.SelectionHeader, p.SelectionHeader)
	set(&c.HashCookie, p.HashCookie)
	set(&c.Persistence, p.Persistence)
	set(&c.Undecodable, p.Undecodable)
	set(&c.OnMemberDown, p.OnMemberDown)
	if p.PassthroughSingle != nil {
		c.PassthroughSingle = ptr(*p.PassthroughSingle)
	}
	if p.DecisionHeaders != nil {
		c.DecisionHeaders = ptr(*p.DecisionHeaders)
	}
	if ck := p.Cookie; ck != nil {
		set(&c.Cookie.Name, ck.Name)
		set(&c.Cookie.Codec, ck.Codec)
		if ck.TTL != nil {
			c.Cookie.TTL = *ck.TTL
		}
		if ck.NoCache != nil {
			c.Cookie.NoCache = *ck.NoCache
		}
		if ck.HTTPOnly != nil {
			c.Cookie.HTTPOnly = ptr(*ck.HTTPOnly)
		}
		if ck.Secure != nil {
			c.Cookie.Secure = ptr(*ck.Secure)
		}
	}
	return c
}

// SetMember changes one member's admin state, weight or delay; on any
// invalid field nothing changes.
func (lb *LB) SetMember(name string, p MemberPatch) error {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	m := lb.pool.get(name)
	if m == nil {
		return fmt.Errorf("member %q: %w", name, ErrUnknownMember)
	}
	if err := validMember(p); err != nil {
		return err
	}
	cfg := lb.snap.Load().cfg
	if p.Weight != nil {
		cfg.Members = slices.Clone(cfg.Members)
		for i := range cfg.Members {
			if cfg.Members[i].Name == name {
				cfg.Members[i].Weight = *p.Weight
			}
		}
	}
	// Saved first: a change the state file does not hold would be lost by
	// a restart, so it is not made.
	st := lb.savedState(cfg)
	for i := range st.Members {
		if st.Members[i].Name == name {
			st.Members[i].patch(p)
		}
	}
	if err := lb.save(st); err != nil {
		return err
	}
	if p.State != nil {
		m.setState(*p.State)
	}
	if p.Delay != nil {
		m.setDelay(p.Delay.Std())
	}
	if p.Weight != nil {
		m.setWeight(*p.Weight)
		return lb.install(cfg) // the hash ring depends on weights
	}
	return nil
}

// validMember checks a member patch; the error is a ConfigError.
func validMember(p MemberPatch) error {
	var errs ConfigError
	if p.State != nil && !slices.Contains(MemberStates, *p.State) {
		errs = append(errs, &FieldError{"state", fmt.Sprintf("%q is not one of %s", *p.State, strings.Join(MemberStates, ", "))})
	}
	if p.Weight != nil && !(*p.Weight > 0) {
		errs = append(errs, &FieldError{"weight", fmt.Sprintf("must be > 0, got %v", *p.Weight)})
	}
	if p.Delay != nil && *p.Delay < 0 {
		errs = append(errs, &FieldError{"delay", fmt.Sprintf("must not be negative, got %s", p.Delay.Std())})
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

func (m *savedMember) patch(p MemberPatch) {
	if p.State != nil {
		m.State = *p.State
	}
	if p.Weight != nil {
		m.Weight = *p.Weight
	}
	if p.Delay != nil {
		m.Delay = *p.Delay
	}
}

// RotateKey gives the LB a new f5-encrypted key: every cookie it issued
// before becomes undecodable (and is re-issued, or rejected). It fails,
// changing nothing, only when the state file cannot be written.
func (lb *LB) RotateKey() error {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	cfg := lb.snap.Load().cfg
	oldKey, oldN := lb.key, lb.keyN
	lb.keyN++
	lb.key = deriveKey(cfg.Seed, cfg.Name, lb.keyN)
	if err := lb.swap(cfg); err != nil {
		lb.key, lb.keyN = oldKey, oldN
		return err
	}
	return nil
}

// ResetKey puts the LB's f5-encrypted key back to the one it started with
// (generation 0, derived from the seed; a new random one without a seed) and
// rewinds its random source to the seed's start, so that a seeded LB decides
// as a freshly started one would. Cookies issued under a rotated key become
// undecodable. It fails, changing nothing, only when the state file cannot be
// written.
func (lb *LB) ResetKey() error {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	cfg := lb.snap.Load().cfg
	oldKey, oldN := lb.key, lb.keyN
	lb.keyN = 0
	lb.key = deriveKey(cfg.Seed, cfg.Name, 0)
	if err := lb.swap(cfg); err != nil {
		lb.key, lb.keyN = oldKey, oldN
		return err
	}
	lb.rng.reseed(cfg.Seed)
	return nil
}

// swap builds the snapshot for cfg, saves the state it makes and installs
// it; lb.mu is held. When the state cannot be saved nothing changes.
func (lb *LB) swap(cfg Config) error {
	s, err := lb.snapshotFor(cfg)
	if err != nil {
		return err
	}
	if err := lb.save(lb.savedState(cfg)); err != nil {
		return err
	}
	lb.snap.Store(s)
	return nil
}

// install builds and installs the snapshot for cfg without saving; lb.mu is held.
func (lb *LB) install(cfg Config) error {
	s, err := lb.snapshotFor(cfg)
	if err != nil {
		return err
	}
	lb.snap.Store(s)
	return nil
}

func (lb *LB) snapshotFor(cfg Config) (*snapshot, error) {
	s, err := lb.build(cfg)
	if err != nil {
		var fe *FieldError
		if errors.As(err, &fe) {
			return nil, ConfigError{fe}
		}
		return nil, err
	}
	return s, nil
}
