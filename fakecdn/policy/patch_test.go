package policy_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

func TestApplySetsOnlyWhatThePatchSets(t *testing.T) {
	before := policy.Defaults(policy.RoleDC)
	after := before.Apply(policy.Patch{
		Persistence: policy.Ptr(policy.PersistSourceIP),
		Cookie:      &policy.CookiePatch{Codec: policy.Ptr[policy.Codec]("plain"), Secure: policy.Ptr(true)},
	})
	want := before
	want.Persistence = policy.PersistSourceIP
	want.Cookie.Codec, want.Cookie.Secure = "plain", policy.Ptr(true)
	if !reflect.DeepEqual(after, want) {
		t.Fatalf("applied: %+v\nwant     %+v", after, want)
	}
	if before.Persistence != policy.PersistNone || before.Cookie.Secure != nil {
		t.Fatalf("Apply changed its receiver: %+v", before)
	}
}

// A tier's whole patch, applied to any tier, gives that tier's policy back:
// it is what the state file saves and Reset sends.
func TestATiersPatchAppliedAnywhereGivesItBack(t *testing.T) {
	tier := policy.Tier{
		Selection: policy.ConsistentHash, HashCookie: "sid", Persistence: policy.PersistCookie,
		Undecodable: policy.Reject, OnMemberDown: policy.Strict, SelectionHeader: "X-User",
		PassthroughSingle: policy.Ptr(false), DecisionHeaders: policy.Ptr(false),
		Cookie: policy.Cookie{Name: "pin", Codec: "plain", TTL: policy.Duration(3e9), NoCache: true, HTTPOnly: policy.Ptr(false)},
	}
	got := policy.Defaults(policy.RoleEdge).Apply(tier.Patch())
	got.SourceIPTTL = 0 // not a PATCH /config field
	if !reflect.DeepEqual(got, tier) {
		t.Fatalf("got  %+v\nwant %+v", got, tier)
	}
}

func TestMergeLaysTheSecondPatchOverTheFirst(t *testing.T) {
	first := policy.Patch{Selection: policy.Ptr(policy.Random), Cookie: &policy.CookiePatch{Name: policy.Ptr("a")}}
	merged := first.Merge(policy.Patch{Persistence: policy.Ptr(policy.PersistCookie), Cookie: &policy.CookiePatch{Codec: policy.Ptr(policy.CodecF5Encrypted)}})
	got, _ := json.Marshal(merged)
	const want = `{"selection":"random","persistence":"cookie","cookie":{"name":"a","codec":"f5-encrypted"}}`
	if string(got) != want {
		t.Fatalf("merged %s, want %s", got, want)
	}
	if first.Cookie.Codec != nil {
		t.Fatal("Merge changed the first patch's cookie")
	}
}

// The PATCH /config body keeps the names admin clients send.
func TestPatchFieldsAreTheWireNames(t *testing.T) {
	var p policy.Patch
	got := map[string]bool{}
	for k := range policy.Fields(&p) {
		got[k] = true
	}
	for _, k := range []string{"selection", "selection_header", "hash_cookie", "persistence", "undecodable",
		"on_member_down", "passthrough_single", "decision_headers", "cookie",
		"steering", "dns_ttl", "resolver_header", "trust_client_ip"} {
		if !got[k] {
			t.Errorf("PATCH /config lacks %q", k)
		}
	}
	if len(got) != 13 {
		t.Errorf("PATCH /config has %d fields, want 13: %v", len(got), got)
	}
}

// The edge's steering is the configuration's, not the tier's: a Config
// takes it from a patch, a Tier leaves it out, and a Config's whole patch
// gives the steering back.
func TestSteeringIsPatchedOnTheConfigOnly(t *testing.T) {
	p := policy.Patch{
		Selection: policy.Ptr(policy.Random), Steering: policy.Ptr(policy.SteeringDNS),
		DNSTTL: policy.Ptr(policy.Duration(30e9)), ResolverHeader: policy.Ptr("X-Loc"), TrustClientIP: policy.Ptr(true),
	}
	cfg := policy.Config{Role: policy.RoleEdge, Tier: policy.Defaults(policy.RoleEdge)}.Apply(p)
	if cfg.Steering != policy.SteeringDNS || cfg.DNSTTL != policy.Duration(30e9) || cfg.ResolverHeader != "X-Loc" ||
		!cfg.TrustClientIP || cfg.Selection != policy.Random {
		t.Fatalf("Config.Apply: %+v", cfg)
	}
	if got := policy.Defaults(policy.RoleEdge).Apply(p); got.Selection != policy.Random {
		t.Fatalf("Tier.Apply lost the tier's field: %+v", got)
	}
	if tp := cfg.Tier.Patch(); tp.Steering != nil || tp.TrustClientIP != nil {
		t.Fatalf("a Tier's patch carries steering: %+v", tp)
	}
	back := policy.Config{Role: policy.RoleEdge, Tier: policy.Defaults(policy.RoleEdge)}.Apply(cfg.Patch())
	if !reflect.DeepEqual(back, cfg) {
		t.Fatalf("a Config's whole patch gives back\n%+v, want\n%+v", back, cfg)
	}
}

func TestOneOfNamesTheFieldAndTheChoices(t *testing.T) {
	if _, err := policy.OneOf("persistence", "sticky", policy.Persistences); err == nil ||
		err.Error() != `persistence "sticky" is not one of none, cookie, source-ip` {
		t.Fatalf("got %v", err)
	}
	if p, err := policy.OneOf("persistence", "cookie", policy.Persistences); err != nil || p != policy.PersistCookie {
		t.Fatalf("got %v, %v", p, err)
	}
}
