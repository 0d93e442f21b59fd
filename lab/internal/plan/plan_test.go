package plan_test

import (
	"strings"
	"testing"

	"github.com/stickylab/stickylab/fakecdn"
	"github.com/stickylab/stickylab/lab/internal/plan"
	"github.com/stickylab/stickylab/lab/topology"
)

func TestTheDefaultTopologyPlansSevenNodes(t *testing.T) {
	p, err := plan.New(topology.Default())
	if err != nil {
		t.Fatal(err)
	}
	want := "edge,dc-east-lb,dc-east-1,dc-east-2,dc-west-lb,dc-west-1,dc-west-2"
	if got := strings.Join(p.Names(), ","); got != want {
		t.Fatalf("nodes: got %s, want %s", got, want)
	}
	if p.Seed == 0 {
		t.Fatal("a zero seed must be replaced by a recorded random one")
	}
	lb, _ := p.Node("dc-east-lb")
	if strings.Join(lb.Networks, ",") != "wan,dc-east" {
		t.Fatalf("a datacenter LB sits on wan and its own network, got %v", lb.Networks)
	}
	app, _ := p.Node("dc-west-2")
	if app.App.KeyScope != "datacenter" || strings.Join(app.Networks, ",") != "dc-west" {
		t.Fatalf("app node: %+v", app)
	}
}

func TestTheEdgeConfigNamesDatacentersAndResolvesURLs(t *testing.T) {
	topo := topology.Default()
	topo.Seed = 7
	p, err := plan.New(topo)
	if err != nil {
		t.Fatal(err)
	}
	edge, _ := p.Node(plan.EdgeName)
	cfg, err := edge.LB.Config(func(n string) string { return "http://" + n + ":8080" })
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"role: edge", "seed: 7", "name: dc-east", "url: http://dc-east-lb:8080", "persistence: none", "passthrough_single: true"} {
		if !strings.Contains(string(cfg), want) {
			t.Errorf("edge config lacks %q:\n%s", want, cfg)
		}
	}
}

func TestInvalidTopologiesAreNotPlanned(t *testing.T) {
	if _, err := plan.New(topology.Topology{}); err == nil {
		t.Fatal("a topology without datacenters must not be planned")
	}
}

func TestUnknownNodesAreNamed(t *testing.T) {
	p, _ := plan.New(topology.Default())
	if _, err := p.Node("dc-north-1"); err == nil || !strings.Contains(err.Error(), `"dc-north-1"`) {
		t.Fatalf("want the unknown name in the error, got %v", err)
	}
}

// The cookie options of a tier reach the fakecdn it runs, and a tier that
// leaves them out gets fakecdn's old behaviour.
func TestCookieOptionsReachTheLoadBalancerConfig(t *testing.T) {
	src := `
edge: {persistence: cookie, cookie: {nocache: true, secure: false}}
datacenters:
  - name: dc-east
    lb: {cookie: {httponly: false, secure: true}}
`
	topo, err := topology.Parse("cookie.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.New(topo)
	if err != nil {
		t.Fatal(err)
	}
	parsed := func(node string) fakecdn.CookieConfig {
		t.Helper()
		n, _ := p.Node(node)
		raw, err := n.LB.Config(func(n string) string { return "http://" + n + ":8080" })
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := fakecdn.ParseConfig(raw)
		if err != nil {
			t.Fatalf("fakecdn cannot read the rendered %s config: %v\n%s", node, err, raw)
		}
		return cfg.WithDefaults().Cookie
	}
	edge, dc := parsed(plan.EdgeName), parsed(plan.LBName("dc-east"))
	if !edge.NoCache || !*edge.HTTPOnly || edge.Secure == nil || *edge.Secure {
		t.Errorf("edge cookie %+v, want nocache, httponly, never secure", edge)
	}
	if dc.NoCache || *dc.HTTPOnly || dc.Secure == nil || !*dc.Secure {
		t.Errorf("dc-east cookie %+v, want no nocache, no httponly, always secure", dc)
	}
	def, _ := plan.New(topology.Default())
	n, _ := def.Node(plan.LBName("dc-west"))
	raw, _ := n.LB.Config(func(n string) string { return "http://" + n })
	cfg, err := fakecdn.ParseConfig(raw)
	if err != nil {
		t.Fatal(err)
	}
	if c := cfg.WithDefaults().Cookie; c.NoCache || !*c.HTTPOnly || c.Secure != nil {
		t.Errorf("default cookie %+v, want httponly and Secure when HTTPS", c)
	}
}
