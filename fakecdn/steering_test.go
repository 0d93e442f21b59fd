package fakecdn

import (
	"testing"
	"time"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// With DNS steering every client of one resolver lands in one datacenter
// while the answer lives; different resolvers get their own answers.
func TestDNSSteeringKeepsAResolversAnswerForItsTTL(t *testing.T) {
	lb := newTestLB(t, edgeOf(t, Config{Steering: "dns", DNSTTL: Duration(time.Hour)}))
	seen := map[string]map[string]bool{}
	for i := range 200 {
		res := []string{"paris", "tokyo", "lima", "oslo"}[i%4]
		dc := served(do(t, lb, nil, DefaultResolverHeader, res))
		if seen[res] == nil {
			seen[res] = map[string]bool{}
		}
		seen[res][dc] = true
	}
	for res, dcs := range seen {
		if len(dcs) != 1 {
			t.Errorf("resolver %s was answered %v within its TTL", res, dcs)
		}
	}
}

// dns_ttl 0 is a lookup per request: the per-request spread.
func TestDNSSteeringWithZeroTTLIsPerRequest(t *testing.T) {
	lb := newTestLB(t, edgeOf(t, Config{Steering: "dns"}))
	dcs := map[string]int{}
	for range 200 {
		dcs[served(do(t, lb, nil, DefaultResolverHeader, "paris"))]++
	}
	if len(dcs) != 2 || dcs["dc-east"] < 60 || dcs["dc-west"] < 60 {
		t.Fatalf("one resolver with TTL 0 was answered %v; want both datacenters about evenly", dcs)
	}
}

// A cached answer naming a datacenter that is down is not used.
func TestDNSSteeringSkipsADownDatacenter(t *testing.T) {
	lb := newTestLB(t, edgeOf(t, Config{Steering: "dns", DNSTTL: Duration(time.Hour), Tier: policy.Tier{PassthroughSingle: ptr(false)}}))
	first := served(do(t, lb, nil, DefaultResolverHeader, "paris"))
	lb.pool.get(first).state.Store(StateDown)
	if again := served(do(t, lb, nil, DefaultResolverHeader, "paris")); again == first {
		t.Fatalf("resolver kept %s after it went down", first)
	}
}
