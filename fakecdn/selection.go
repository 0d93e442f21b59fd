package fakecdn

import (
	"net/http"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// selector picks one of the candidates, which are all usable and never
// empty. It returns nil when it cannot decide (consistent-hash without its
// cookie); the caller then falls back to random.
type selector interface {
	Select(candidates []*member, r *http.Request) *member
}

// selectionEnv is what a selection policy is built from, once per policy
// snapshot.
type selectionEnv struct {
	cfg  Config
	pool *pool
	rng  *lockedRand
}

// selectionSpec registers a selection policy: its constructor, and whether
// its fresh choices are hash decisions (reason "hash").
type selectionSpec struct {
	new    func(env selectionEnv) selector
	hashes bool
}

var selections = newRegistry[policy.Selection, selectionSpec](policy.RegisterSelection)

// registerSelection adds a selection policy under name, here and in package
// policy (so a configuration or a topology may name it); each selection file
// calls it from init.
func registerSelection(name policy.Selection, spec selectionSpec) { selections.add(name, spec) }

// newSelector builds the policy named by cfg.Selection over the pool, and
// reports whether it hashes.
func newSelector(cfg Config, p *pool, rng *lockedRand) (selector, bool, error) {
	spec, err := selections.get(cfg.Selection)
	if err != nil {
		return nil, false, err
	}
	return spec.new(selectionEnv{cfg: cfg, pool: p, rng: rng}), spec.hashes, nil
}
