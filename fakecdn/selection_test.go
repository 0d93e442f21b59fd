package fakecdn

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

func testMembers(weights ...float64) []*member {
	out := make([]*member, len(weights))
	for i, w := range weights {
		m, _ := newMember(MemberConfig{Name: fmt.Sprintf("m%d", i), URL: fmt.Sprintf("http://127.0.0.1:%d", 9000+i), Weight: w})
		out[i] = m
	}
	return out
}

func TestRandomWeightedAndSeeded(t *testing.T) {
	ms := testMembers(3, 1)
	pick := func(seed int64) []string {
		s := &randomSelection{rng: newLockedRand(seed)}
		var out []string
		for range 4000 {
			out = append(out, s.Select(ms, nil).name)
		}
		return out
	}
	a, b := pick(42), pick(42)
	n0 := 0
	for i := range a {
		if a[i] != b[i] {
			t.Fatal("same seed, different choices")
		}
		if a[i] == "m0" {
			n0++
		}
	}
	if n0 < 2800 || n0 > 3200 { // expect 3000 of 4000
		t.Fatalf("weight 3:1 gave %d/4000 to m0", n0)
	}
}

func TestRoundRobinWeighted(t *testing.T) {
	ms := testMembers(2, 1)
	s := newRoundRobin()
	got := ""
	for range 6 {
		got += s.Select(ms, nil).name[1:]
	}
	if got != "010010" {
		t.Fatalf("smooth weighted sequence %s, want 010010", got)
	}
	eq := testMembers(1, 1, 1)
	s = newRoundRobin()
	got = ""
	for range 6 {
		got += s.Select(eq, nil).name[1:]
	}
	if got != "012012" {
		t.Fatalf("rotation %s", got)
	}
}

func TestSourceIPStableAndHeader(t *testing.T) {
	ms := testMembers(1, 1, 1)
	s := &sourceIPSelection{header: HeaderTrueClientIP}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	seen := map[string]bool{}
	for i := range 50 {
		r.RemoteAddr = "10.0.0.1:1"
		r.Header.Set(HeaderTrueClientIP, fmt.Sprintf("203.0.113.%d", i))
		first := s.Select(ms, r)
		r.RemoteAddr = "10.0.0.2:2" // another edge node: same client key
		if s.Select(ms, r) != first {
			t.Fatal("same True-Client-IP, different member")
		}
		seen[first.name] = true
	}
	if len(seen) != 3 {
		t.Fatalf("50 clients hashed onto %d members", len(seen))
	}
}

func TestConsistentHashMovesOnlyNewShare(t *testing.T) {
	three := testMembers(1, 1, 1)
	four := append(three[:3:3], testMembers(1, 1, 1, 1)[3])
	before, after := newHashSelection("sid", three), newHashSelection("sid", four)
	moved := 0
	const n = 3000
	for i := range n {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.AddCookie(&http.Cookie{Name: "sid", Value: fmt.Sprintf("session-%d", i)})
		a, b := before.Select(three, r), after.Select(four, r)
		if a != b {
			moved++
			if b.name != "m3" {
				t.Fatalf("key moved between old members %s -> %s", a.name, b.name)
			}
		}
	}
	if moved < n/8 || moved > n/3 { // ~1/4 expected
		t.Fatalf("%d of %d keys moved", moved, n)
	}
	if before.Select(three, httptest.NewRequest(http.MethodGet, "/", nil)) != nil {
		t.Fatal("no cookie must return nil (fallback)")
	}
}

func TestConsistentHashReasonAndFallback(t *testing.T) {
	a, b := newBackend(t, "dc-east-1"), newBackend(t, "dc-east-2")
	lb := newTestLB(t, Config{Role: "dc", Name: "dc-east", Members: members(a, b), Tier: policy.Tier{Selection: "consistent-hash", HashCookie: "ASP.NET_SessionId"}})
	r := do(t, lb, map[string]string{"ASP.NET_SessionId": "abc"})
	if reasonOf(r) != ReasonHash {
		t.Fatalf("reason %q", reasonOf(r))
	}
	who := served(r)
	for range 5 {
		if served(do(t, lb, map[string]string{"ASP.NET_SessionId": "abc"})) != who {
			t.Fatal("hash not stable")
		}
	}
	if reasonOf(do(t, lb, nil)) != ReasonNew {
		t.Fatal("absent cookie must fall back to random (reason new)")
	}
}

func TestAnUnregisteredSelectionIsNamedWithTheRegisteredOnes(t *testing.T) {
	var cfg Config
	cfg.Selection = "fastest"
	_, _, err := newSelector(cfg, &pool{}, newLockedRand(1))
	if err == nil || !strings.HasPrefix(err.Error(), `selection "fastest" is not one of [`) || !strings.Contains(err.Error(), string(policy.RoundRobin)) {
		t.Fatalf("got %v", err)
	}
}
