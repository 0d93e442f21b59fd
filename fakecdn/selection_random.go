package fakecdn

import (
	"net/http"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

func init() {
	registerSelection(policy.Random, selectionSpec{new: func(env selectionEnv) selector {
		return &randomSelection{rng: env.rng}
	}})
}

// randomSelection picks a candidate with probability proportional to its weight.
type randomSelection struct{ rng *lockedRand }

func (s *randomSelection) Select(c []*member, _ *http.Request) *member {
	total := 0.0
	for _, m := range c {
		total += m.getWeight()
	}
	x := s.rng.Float64() * total
	for _, m := range c {
		x -= m.getWeight()
		if x < 0 {
			return m
		}
	}
	return c[len(c)-1]
}
