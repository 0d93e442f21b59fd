package plan_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/fakecdn"
	"github.com/stickylab/stickylab/fakecdn/policy"
	"github.com/stickylab/stickylab/lab/internal/plan"
	"github.com/stickylab/stickylab/lab/topology"
)

// edgeConfig renders the edge of a topology file and reads it back as
// fakecdn would, defaults applied.
func edgeConfig(t *testing.T, yaml string) fakecdn.Config {
	t.Helper()
	topo, err := topology.Parse("vendor.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.New(topo)
	if err != nil {
		t.Fatal(err)
	}
	edge, _ := p.Node(plan.EdgeName)
	out, err := edge.LB.Config(func(n string) string { return "http://" + n + ":8080" })
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := fakecdn.ParseConfig(out)
	if err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	return cfg
}

const dcs = "datacenters: [{name: dc-east}, {name: dc-west}]\n"

// A profile in the topology file reaches fakecdn, which fills the vendor's
// cookie; explicit fields win.
func TestProfilesReachTheEdge(t *testing.T) {
	cases := []struct {
		yaml, name  string
		codec       policy.Codec
		persistence policy.Persistence
		ttl         time.Duration
	}{
		{"edge: {profile: cloudflare, session_affinity: cookie}\n", "__cflb", "cloudflare", "cookie", 23 * time.Hour},
		{"edge: {profile: aws-alb, persistence: cookie}\n", "AWSALB", "aws-alb", "cookie", 24 * time.Hour},
		{"edge: {profile: akamai-alb, persistence: cookie}\n", "__akaalb_edge", "akamai-alb", "cookie", 0},
		{"edge: {profile: cloudflare, session_affinity: cookie, cookie: {name: pin, ttl: 1h}}\n", "pin", "cloudflare", "cookie", time.Hour},
		{"edge: {}\n", "cdn_dc", "f5-encrypted", "none", 0},
	}
	for _, tc := range cases {
		cfg := edgeConfig(t, tc.yaml+dcs)
		if cfg.Cookie.Name != tc.name || cfg.Cookie.Codec != tc.codec || cfg.Persistence != tc.persistence || cfg.Cookie.TTL.Std() != tc.ttl {
			t.Errorf("%s: cookie %s/%s ttl %s persistence %s; want %s/%s %s %s", tc.yaml,
				cfg.Cookie.Name, cfg.Cookie.Codec, cfg.Cookie.TTL.Std(), cfg.Persistence, tc.name, tc.codec, tc.ttl, tc.persistence)
		}
	}
}

func TestDNSSteeringReachesTheEdge(t *testing.T) {
	cfg := edgeConfig(t, "edge: {steering: dns, dns_ttl: 60s}\n"+dcs)
	if cfg.Steering != "dns" || cfg.DNSTTL.Std() != time.Minute {
		t.Fatalf("steering %q dns_ttl %s", cfg.Steering, cfg.DNSTTL.Std())
	}
}

// Bad vendor values are reported by the topology, naming the field.
func TestTopologyNamesBadVendorFields(t *testing.T) {
	_, err := topology.Parse("bad.yaml", []byte("edge: {profile: fastly, steering: anycast, dns_ttl: 5s, session_affinity: maybe, cookie: {expiry: SOON}}\n"+dcs))
	for _, want := range []string{"edge.profile", "edge.steering", "edge.dns_ttl", "edge.session_affinity", "edge.cookie.expiry"} {
		if err == nil || !contains(err.Error(), want) {
			t.Errorf("error %v does not name %s", err, want)
		}
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
