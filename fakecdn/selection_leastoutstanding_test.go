package fakecdn

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
)

// leastOutstandingOver is the policy over members of the given weights, as
// a configuration naming it builds it.
func leastOutstandingOver(t *testing.T, seed int64, weights ...float64) (*leastOutstanding, []*member) {
	t.Helper()
	ms := testMembers(weights...)
	var cfg Config
	cfg.Selection = LeastOutstanding
	sel, hashing, err := newSelector(cfg, &pool{members: ms}, newLockedRand(seed))
	if err != nil || hashing {
		t.Fatalf("least-outstanding: %v (hashing %v)", err, hashing)
	}
	return sel.(*leastOutstanding), ms
}

// held is a request whose handler has not returned yet; release ends it.
func held() (r *http.Request, release context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	return httptest.NewRequestWithContext(ctx, "GET", "http://lb/", nil), cancel
}

func TestLeastOutstandingSendsToTheMemberWithFewestInFlight(t *testing.T) {
	s, ms := leastOutstandingOver(t, 1, 1, 1)
	r, release := held()
	first := s.Select(ms, r)
	r, _ = held()
	second := s.Select(ms, r)
	if second == first {
		t.Fatalf("%s has a request in flight, the idle member should get the next", first.name)
	}
	release()
	for s.outstanding(first) != 0 { // a request ends when its context does
		runtime.Gosched()
	}
	r, _ = held()
	if got := s.Select(ms, r); got != first {
		t.Fatalf("%s finished its request and has none in flight (%s one), got %s", first.name, second.name, got.name)
	}
}

func TestLeastOutstandingWeighsInFlightByWeight(t *testing.T) {
	s, ms := leastOutstandingOver(t, 1, 3, 1)
	for range 8 {
		r, _ := held()
		s.Select(ms, r)
	}
	if a, b := s.outstanding(ms[0]), s.outstanding(ms[1]); a != 6 || b != 2 {
		t.Fatalf("weights 3:1 hold %d:%d of 8 requests in flight, want 6:2", a, b)
	}
}

func TestLeastOutstandingBreaksTiesAtRandom(t *testing.T) {
	seen := map[string]bool{}
	for seed := range int64(32) {
		s, ms := leastOutstandingOver(t, seed+1, 1, 1, 1)
		r, _ := held()
		seen[s.Select(ms, r).name] = true
	}
	if len(seen) != 3 {
		t.Fatalf("32 first picks among three idle members chose only %v", seen)
	}
}

// The policy is one file: a configuration may name it, and the topology
// accepts it (validation reads the registry).
func TestLeastOutstandingIsAValidSelection(t *testing.T) {
	a, b := newBackend(t, "dc-east-1"), newBackend(t, "dc-east-2")
	cfg, err := ParseConfig([]byte("role: dc\nname: dc-east\nselection: least-outstanding\nmembers:\n" +
		"  - {name: dc-east-1, url: " + a.srv.URL + "}\n  - {name: dc-east-2, url: " + b.srv.URL + "}\n"))
	if err != nil {
		t.Fatal(err)
	}
	lb := newTestLB(t, cfg.WithDefaults())
	resp := do(t, lb, nil)
	if resp.StatusCode != 200 || !strings.HasSuffix(resp.Header.Get(HeaderLB), "reason="+ReasonNew) {
		t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get(HeaderLB))
	}
}
