package dockerrt

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"

	"github.com/stickylab/stickylab/internal/containerfiles"
	"github.com/stickylab/stickylab/lab/internal/plan"
	"github.com/stickylab/stickylab/lab/topology"
)

const testImage = "stickylab/lab:0123456789ab"

func defaultPlan(t *testing.T) *plan.Plan {
	t.Helper()
	p, err := plan.New(topology.Default())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func specOf(t *testing.T, p *plan.Plan, name string, tls bool) spec {
	t.Helper()
	n, err := p.Node(name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := nodeSpec(p, n, testImage, plan.TLSFiles{CertPEM: []byte("cert"), KeyPEM: []byte("key")}, tls)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestTheEdgeServesTLSFromItsFilesAndPublishesItsClientPort(t *testing.T) {
	p := defaultPlan(t)
	s := specOf(t, p, plan.EdgeName, true)
	if s.Image != testImage || s.Role != "fakecdn" {
		t.Errorf("edge image %s role %s", s.Image, s.Role)
	}
	want := "--config /var/lib/fakecdn/config.yaml --addr :8443 --admin-addr :8081 --state-file /var/lib/fakecdn/state.json --admin-hosts edge --access-log=false --tls-cert /var/lib/fakecdn/edge.crt --tls-key /var/lib/fakecdn/edge.key"
	if got := strings.Join(s.Cmd, " "); got != want {
		t.Errorf("edge command:\n got %s\nwant %s", got, want)
	}
	if string(s.Files[certPath]) != "cert" || string(s.Files[keyPath]) != "key" {
		t.Errorf("edge files %v", sortedKeys(s.Files))
	}
	if !slices.Equal(s.Ports, []string{"8081/tcp", "8443/tcp"}) {
		t.Errorf("edge ports %v", s.Ports)
	}
	if !slices.Equal(s.Networks, []string{"sl-" + p.RunID + "-wan"}) {
		t.Errorf("edge networks %v", s.Networks)
	}
	cfg := string(s.Files[configPath])
	// The edge reaches each datacenter LB through its WAN link (plan.Link).
	for _, member := range []string{"url: http://toxiproxy:10000", "url: http://toxiproxy:10001"} {
		if !strings.Contains(cfg, member) {
			t.Errorf("edge config lacks %q:\n%s", member, cfg)
		}
	}
}

func TestAPlainEdgeServesHTTPOn8080(t *testing.T) {
	s := specOf(t, defaultPlan(t), plan.EdgeName, false)
	if strings.Contains(strings.Join(s.Cmd, " "), "tls") || s.Cmd[3] != ":8080" {
		t.Errorf("plain edge command %v", s.Cmd)
	}
	if !slices.Equal(s.Ports, []string{"8081/tcp", "8080/tcp"}) || len(s.Files) != 1 {
		t.Errorf("plain edge ports %v files %v", s.Ports, sortedKeys(s.Files))
	}
}

func TestATLSEdgeNeedsItsCertificate(t *testing.T) {
	p := defaultPlan(t)
	n, _ := p.Node(plan.EdgeName)
	if _, err := nodeSpec(p, n, testImage, plan.TLSFiles{}, true); err == nil {
		t.Fatal("TLS without a certificate must not start")
	}
}

func TestADatacenterLBSitsOnBothNetworksAndPublishesOnlyItsAdminPort(t *testing.T) {
	p := defaultPlan(t)
	s := specOf(t, p, "dc-east-lb", true)
	if !slices.Equal(s.Networks, []string{"sl-" + p.RunID + "-wan", "sl-" + p.RunID + "-dc-east"}) {
		t.Errorf("LB networks %v", s.Networks)
	}
	if !slices.Equal(s.Ports, []string{"8081/tcp"}) || strings.Join(s.command(), " ") != "fakecdn --config /var/lib/fakecdn/config.yaml --addr :8080 --admin-addr :8081 --state-file /var/lib/fakecdn/state.json --admin-hosts dc-east-lb --access-log=false" {
		t.Errorf("LB ports %v command %v", s.Ports, s.command())
	}
	cfg := string(s.Files[configPath])
	for _, want := range []string{"role: dc", "url: http://dc-east-1:8080", "url: http://dc-east-2:8080"} {
		if !strings.Contains(cfg, want) {
			t.Errorf("LB config lacks %q:\n%s", want, cfg)
		}
	}
}

func TestAnAppRunsWithThePlansArguments(t *testing.T) {
	p := defaultPlan(t)
	s := specOf(t, p, "dc-west-2", true)
	n, _ := p.Node("dc-west-2")
	if s.Image != testImage || !slices.Equal(s.command(), append(append([]string{"fakeapp"}, n.App.Args()...), "--admin-hosts", "dc-west-2", "--state-file", appStatePath)) || len(s.Files) != 0 {
		t.Errorf("app spec %+v", s)
	}
	if !slices.Equal(s.Ports, []string{"8081/tcp"}) || !slices.Equal(s.Networks, []string{"sl-" + p.RunID + "-dc-west"}) {
		t.Errorf("app ports %v networks %v", s.Ports, s.Networks)
	}
}

func TestPortsArePublishedOnLoopbackOnly(t *testing.T) {
	var hc container.HostConfig
	bindLoopback([]string{"8081/tcp", "8443/tcp"})(&hc)
	if len(hc.PortBindings) != 2 {
		t.Fatalf("bindings %v", hc.PortBindings)
	}
	for p, bs := range hc.PortBindings {
		if len(bs) != 1 || bs[0].HostIP.String() != "127.0.0.1" || bs[0].HostPort != "0" {
			t.Errorf("%s bound to %v", p, bs)
		}
	}
	if _, ok := hc.PortBindings[network.MustParsePort("8081/tcp")]; !ok {
		t.Error("admin port not bound")
	}
}

func TestContainersAreNamedAndLabelledForTheirRun(t *testing.T) {
	p := defaultPlan(t)
	r := requestOf(t, p, "dc-east-1").ContainerRequest
	if r.Name != "sl-"+p.RunID+"-dc-east-1" {
		t.Errorf("name %s", r.Name)
	}
	if r.Labels[LabelRun] != p.RunID || r.Labels[LabelNode] != "dc-east-1" || r.Labels[LabelPID] == "" {
		t.Errorf("labels %v", r.Labels)
	}
	net := "sl-" + p.RunID + "-dc-east"
	if !slices.Equal(r.Networks, []string{net}) || !slices.Equal(r.NetworkAliases[net], []string{"dc-east-1"}) {
		t.Errorf("networks %v aliases %v", r.Networks, r.NetworkAliases)
	}
	if r.WaitingFor == nil {
		t.Error("no wait strategy")
	}
}

func TestAContainersFilesTravelInItsEnvironmentNotAsCopies(t *testing.T) {
	p := defaultPlan(t)
	s := specOf(t, p, plan.EdgeName, true)
	req := requestOf(t, p, plan.EdgeName)
	if len(req.Files) != 0 {
		t.Errorf("%d files copied into the container; want none", len(req.Files))
	}
	var got map[string][]byte
	if err := json.Unmarshal([]byte(req.Env[containerfiles.Env]), &got); err != nil {
		t.Fatalf("%s: %v", containerfiles.Env, err)
	}
	if !maps.EqualFunc(got, s.Files, bytes.Equal) {
		t.Errorf("%s carries %v, want the spec's files %v", containerfiles.Env, sortedKeys(got), sortedKeys(s.Files))
	}
}

func TestTheAccessLogIsOffUnlessAskedFor(t *testing.T) {
	p := defaultPlan(t)
	for value, want := range map[string]string{"": "--access-log=false", "true": "--access-log=true", "1": "--access-log=true", "no": "--access-log=false"} {
		t.Setenv(AccessLogEnv, value)
		for _, node := range []string{plan.EdgeName, "dc-east-lb"} {
			if s := specOf(t, p, node, true); !slices.Contains(s.Cmd, want) {
				t.Errorf("%s=%q: %s runs %v, want %s", AccessLogEnv, value, node, s.Cmd, want)
			}
		}
	}
}
