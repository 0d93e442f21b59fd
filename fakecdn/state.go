package fakecdn

import (
	"errors"
	"fmt"
	"slices"
)

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
	cfg := lb.snap.Load().cfg.Apply(p)
	if errs := cfg.ValidatePolicy(); len(errs) > 0 {
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
	if err := p.Validate().Err(); err != nil {
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
// (generation 0, derived from the seed; a new random one without a seed),
// rewinds its random source to the seed's start and forgets what it
// learned from traffic (the source-IP stick table, the resolvers' DNS
// answers), so that a seeded LB decides as a freshly started one would.
// Cookies issued under a rotated key become undecodable. It fails, changing
// nothing, only when the state file cannot be written.
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
	lb.table.clear()
	lb.dns.clear()
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
