package fakecdn

import (
	"fmt"
	"net/http"
)

// selector picks one of the candidates, which are all usable and never
// empty. It returns nil when it cannot decide (consistent-hash without its
// cookie); the caller then falls back to random.
type selector interface {
	Select(candidates []*member, r *http.Request) *member
}

// newSelector builds the policy named by cfg.Selection over the pool.
func newSelector(cfg Config, p *pool, rng *lockedRand) (selector, error) {
	switch cfg.Selection {
	case "random":
		return &randomSelection{rng: rng}, nil
	case "round-robin":
		return newRoundRobin(), nil
	case "source-ip":
		return &sourceIPSelection{header: cfg.SelectionHeader}, nil
	case "consistent-hash":
		return newHashSelection(cfg.HashCookie, p.members), nil
	}
	return nil, fmt.Errorf("selection %q: unknown policy", cfg.Selection)
}

// hashes reports whether a fresh choice by s is a hash decision (reason "hash").
func hashes(s selector) bool {
	switch s.(type) {
	case *sourceIPSelection, *hashSelection:
		return true
	}
	return false
}
