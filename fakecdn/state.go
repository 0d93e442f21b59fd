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
	st := State{Name: s.cfg.Name, Role: s.cfg.Role, Config: s.cfg}
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
	cfg := lb.snap.Load().cfg
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&cfg.Selection, p.Selection)
	set(&cfg.SelectionHeader, p.SelectionHeader)
	set(&cfg.HashCookie, p.HashCookie)
	set(&cfg.Persistence, p.Persistence)
	set(&cfg.Undecodable, p.Undecodable)
	set(&cfg.OnMemberDown, p.OnMemberDown)
	if p.PassthroughSingle != nil {
		cfg.PassthroughSingle = ptr(*p.PassthroughSingle)
	}
	if p.DecisionHeaders != nil {
		cfg.DecisionHeaders = ptr(*p.DecisionHeaders)
	}
	if c := p.Cookie; c != nil {
		set(&cfg.Cookie.Name, c.Name)
		set(&cfg.Cookie.Codec, c.Codec)
		if c.TTL != nil {
			cfg.Cookie.TTL = *c.TTL
		}
		if c.NoCache != nil {
			cfg.Cookie.NoCache = *c.NoCache
		}
		if c.HTTPOnly != nil {
			cfg.Cookie.HTTPOnly = ptr(*c.HTTPOnly)
		}
		if c.Secure != nil {
			cfg.Cookie.Secure = ptr(*c.Secure)
		}
	}
	if errs := cfg.validatePolicy(); len(errs) > 0 {
		return errs
	}
	return lb.swap(cfg)
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
	if p.State != nil {
		m.setState(*p.State)
	}
	if p.Delay != nil {
		m.setDelay(p.Delay.Std())
	}
	if p.Weight != nil {
		m.setWeight(*p.Weight)
		cfg := lb.snap.Load().cfg
		cfg.Members = slices.Clone(cfg.Members)
		for i := range cfg.Members {
			if cfg.Members[i].Name == name {
				cfg.Members[i].Weight = *p.Weight
			}
		}
		return lb.swap(cfg) // the hash ring depends on weights
	}
	return nil
}

// RotateKey gives the LB a new f5-encrypted key: every cookie it issued
// before becomes undecodable (and is re-issued, or rejected).
func (lb *LB) RotateKey() {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	cfg := lb.snap.Load().cfg
	lb.keyN++
	lb.key = deriveKey(cfg.Seed, cfg.Name, lb.keyN)
	_ = lb.swap(cfg) // cfg is already valid
}

// swap builds and installs the snapshot for cfg; lb.mu is held.
func (lb *LB) swap(cfg Config) error {
	s, err := lb.build(cfg)
	if err != nil {
		var fe *FieldError
		if errors.As(err, &fe) {
			return ConfigError{fe}
		}
		return err
	}
	lb.snap.Store(s)
	return nil
}
