package topology_test

import (
	"strings"
	"testing"

	"github.com/stickylab/stickylab/fakecdn/policy"
	"github.com/stickylab/stickylab/lab/topology"
)

func TestHAProxyTierDefaultsToItsPlainCookie(t *testing.T) {
	top, err := topology.Parse("h.yaml", []byte("datacenters:\n  - name: dc-east\n    lb: {engine: haproxy}\n  - name: dc-west\n"))
	if err != nil {
		t.Fatal(err)
	}
	east, west := top.Datacenters[0].LB, top.Datacenters[1].LB
	if !east.HAProxy() || east.Cookie.Codec != "plain" || east.Cookie.Name != "lbs" || east.Persistence != "cookie" {
		t.Errorf("haproxy tier: engine %q codec %q name %q persistence %q; want haproxy, plain, lbs, cookie",
			east.Engine, east.Cookie.Codec, east.Cookie.Name, east.Persistence)
	}
	if west.HAProxy() || west.Cookie.Codec != "f5-encrypted" {
		t.Errorf("a tier without engine keeps fakecdn and f5-encrypted, got %q %q", west.Engine, west.Cookie.Codec)
	}
}

func TestHAProxyRejectsWhatItCannotExpressNamingFieldAndValue(t *testing.T) {
	src := `
edge: {engine: haproxy}
datacenters:
  - name: dc-east
    lb:
      engine: haproxy
      persistence: source-ip
      cookie: {codec: f5-encrypted, salt: s}
      undecodable: reject
      on_member_down: strict
      passthrough_single: true
      profile: cloudflare
  - name: dc-west
    lb: {engine: nginx}
`
	_, err := topology.Parse("h.yaml", []byte(src))
	if err == nil {
		t.Fatal("want a validation error")
	}
	for _, want := range []string{
		`edge.engine: "haproxy": the edge is always fakecdn`,
		`datacenters[0].lb.persistence: source-ip with engine haproxy`,
		`datacenters[0].lb.cookie.codec: f5-encrypted with engine haproxy`,
		`datacenters[0].lb.cookie.salt: "s" with engine haproxy`,
		`datacenters[0].lb.undecodable: reject with engine haproxy`,
		`datacenters[0].lb.on_member_down: strict with engine haproxy`,
		`datacenters[0].lb.passthrough_single: true with engine haproxy`,
		`datacenters[0].lb.profile: cloudflare with engine haproxy`,
		`datacenters[1].lb.engine: "nginx" is not one of fakecdn, haproxy`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
}

func TestHAProxyAcceptsEverySelection(t *testing.T) {
	for _, sel := range policy.Selections() {
		src := "datacenters:\n  - name: dc-east\n    lb: {engine: haproxy, selection: " + string(sel) + "}\n"
		if _, err := topology.Parse("h.yaml", []byte(src)); err != nil {
			t.Errorf("selection %s: %v", sel, err)
		}
	}
}
