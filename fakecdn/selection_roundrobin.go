package fakecdn

import (
	"net/http"
	"sync"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

func init() {
	registerSelection(policy.RoundRobin, selectionSpec{new: func(selectionEnv) selector { return newRoundRobin() }})
}

// roundRobinSelection is nginx's smooth weighted round robin: every pick
// adds each candidate's weight to its credit and takes the richest, which
// then pays the total. Equal weights give a plain rotation.
type roundRobinSelection struct {
	mu     sync.Mutex
	credit map[*member]float64
}

func newRoundRobin() *roundRobinSelection {
	return &roundRobinSelection{credit: map[*member]float64{}}
}

func (s *roundRobinSelection) Select(c []*member, _ *http.Request) *member {
	s.mu.Lock()
	defer s.mu.Unlock()
	var best *member
	total := 0.0
	for _, m := range c {
		w := m.getWeight()
		total += w
		s.credit[m] += w
		if best == nil || s.credit[m] > s.credit[best] {
			best = m
		}
	}
	s.credit[best] -= total
	return best
}
