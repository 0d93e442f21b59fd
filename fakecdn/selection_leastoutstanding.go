package fakecdn

import (
	"context"
	"net/http"
	"sync"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// LeastOutstanding is the least-connections family: HAProxy's leastconn
// ("the server with the lowest number of connections receives the
// connection", weighted) and Cloudflare's least outstanding requests. It
// picks the candidate with the fewest requests in flight per unit of
// weight; ties are broken at random. It counts the requests it placed
// itself, from selection until the request's context ends (the handler
// returned): requests a persistence pin sends on are not its to count.
const LeastOutstanding policy.Selection = "least-outstanding"

func init() {
	registerSelection(LeastOutstanding, selectionSpec{new: func(env selectionEnv) selector {
		return &leastOutstanding{rng: env.rng, inFlight: map[*member]int{}}
	}})
}

type leastOutstanding struct {
	rng      *lockedRand
	mu       sync.Mutex
	inFlight map[*member]int
}

func (s *leastOutstanding) Select(c []*member, r *http.Request) *member {
	s.mu.Lock()
	var best *member
	bestLoad, ties := 0.0, 0
	for _, m := range c {
		load := float64(s.inFlight[m]) / m.getWeight()
		switch {
		case best == nil || load < bestLoad:
			best, bestLoad, ties = m, load, 1
		case load == bestLoad:
			ties++
			if s.rng.Float64()*float64(ties) < 1 { // reservoir: each tie equally likely
				best = m
			}
		}
	}
	s.inFlight[best]++
	s.mu.Unlock()
	context.AfterFunc(r.Context(), func() { s.done(best) })
	return best
}

// done ends one of m's requests.
func (s *leastOutstanding) done(m *member) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inFlight[m]--
}

// outstanding is m's requests in flight, for tests.
func (s *leastOutstanding) outstanding(m *member) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inFlight[m]
}
