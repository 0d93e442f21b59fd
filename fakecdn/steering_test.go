package fakecdn

import (
	"strings"
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

// Steering changes at run time like the rest of the policy (the lab resets a
// pooled edge that way), and ResetKey forgets the resolvers' answers, as a
// restarted edge has none.
func TestSteeringIsConfiguredAtRunTimeAndResetKeyForgetsTheAnswers(t *testing.T) {
	lb := newTestLB(t, edgeOf(t, Config{}))
	err := lb.Configure(ConfigPatch{Steering: ptr(policy.SteeringDNS), DNSTTL: ptr(Duration(time.Hour))})
	if err != nil {
		t.Fatal(err)
	}
	if st := lb.State(); st.Config.Steering != policy.SteeringDNS || st.Config.DNSTTL != Duration(time.Hour) {
		t.Fatalf("state after PATCH: steering %q, dns_ttl %s", st.Config.Steering, st.Config.DNSTTL)
	}
	first := served(do(t, lb, nil, DefaultResolverHeader, "paris"))
	for range 20 {
		if dc := served(do(t, lb, nil, DefaultResolverHeader, "paris")); dc != first {
			t.Fatalf("resolver paris was answered %s, then %s, within its TTL", first, dc)
		}
	}
	if err := lb.ResetKey(); err != nil {
		t.Fatal(err)
	}
	if n := len(lb.dns.answers); n != 0 {
		t.Fatalf("ResetKey kept %d resolver answers", n)
	}
	if err := lb.Configure(ConfigPatch{DNSTTL: ptr(Duration(0)), Steering: ptr("sometimes")}); err == nil ||
		!strings.Contains(err.Error(), "steering") {
		t.Fatalf("an unknown steering was accepted or not named: %v", err)
	}
}
