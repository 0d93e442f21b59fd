package dockerrt

import (
	"fmt"
	"net/http"
	"net/netip"
	"slices"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"

	"github.com/stickylab/stickylab/lab/internal/plan"
)

// A lab stays local: nothing it runs is reachable from another machine, and
// its admin APIs refuse what a web page on this one could send.
func TestALabStaysLocal(t *testing.T) {
	cli := requireDocker(t)
	p := newPlan(t, smallTopology(false))
	dep := start(t, p, noTLS)
	t.Run("every published port of the run is on 127.0.0.1", func(t *testing.T) {
		publishedOnLoopbackOnly(t, cli, p)
	})
	t.Run("admin APIs refuse a rebinding Host", func(t *testing.T) {
		refuseRebinding(t, dep)
	})
}

// publishedOnLoopbackOnly inspects every container of the run.
func publishedOnLoopbackOnly(t *testing.T, cli *client.Client, p *plan.Plan) {
	cs, err := cli.ContainerList(t.Context(), client.ContainerListOptions{All: true, Filters: labelFilter(LabelRun, p.RunID)})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs.Items) != len(p.Nodes)+1 {
		t.Fatalf("%d containers for %d nodes and toxiproxy", len(cs.Items), len(p.Nodes))
	}
	for _, c := range cs.Items {
		res, err := cli.ContainerInspect(t.Context(), c.ID, client.ContainerInspectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		name := res.Container.Config.Labels[LabelNode]
		if n := len(res.Container.NetworkSettings.Ports); n == 0 {
			t.Errorf("%s publishes nothing: its admin port is missing", name)
		}
		for _, bad := range offLoopback(res.Container) {
			t.Errorf("%s: %s", name, bad)
		}
	}
}

// offLoopback lists every port a container publishes, as asked for
// (HostConfig) or as Docker bound it (NetworkSettings), on anything but
// 127.0.0.1; an empty host IP is every interface.
func offLoopback(c container.InspectResponse) []string {
	var bad []string
	check := func(how string, ports network.PortMap) {
		for port, bindings := range ports {
			for _, b := range bindings {
				if b.HostIP != netip.MustParseAddr("127.0.0.1") {
					bad = append(bad, fmt.Sprintf("%s %s on %q port %q", port, how, b.HostIP, b.HostPort))
				}
			}
		}
	}
	if c.HostConfig != nil {
		check("asked for", c.HostConfig.PortBindings)
	}
	if c.NetworkSettings != nil {
		check("published", c.NetworkSettings.Ports)
	}
	slices.Sort(bad)
	return bad
}

func TestAPortOnAnyOtherAddressIsReported(t *testing.T) {
	admin, edge := network.MustParsePort("8081/tcp"), network.MustParsePort("8080/tcp")
	c := container.InspectResponse{
		HostConfig: &container.HostConfig{PortBindings: network.PortMap{
			admin: {{HostIP: netip.MustParseAddr("127.0.0.1"), HostPort: "0"}},
			edge:  {{HostPort: "0"}}, // no address: every interface
		}},
		NetworkSettings: &container.NetworkSettings{Ports: network.PortMap{
			admin: {{HostIP: netip.MustParseAddr("127.0.0.1"), HostPort: "32768"}},
			edge:  {{HostIP: netip.MustParseAddr("0.0.0.0"), HostPort: "32769"}, {HostIP: netip.MustParseAddr("::"), HostPort: "32769"}},
		}},
	}
	got := offLoopback(c)
	want := []string{
		`8080/tcp asked for on "invalid IP" port "0"`,
		`8080/tcp published on "0.0.0.0" port "32769"`,
		`8080/tcp published on "::" port "32769"`,
	}
	if !slices.Equal(got, want) {
		t.Fatalf("reported %q\nwant     %q", got, want)
	}
	c.HostConfig.PortBindings, c.NetworkSettings.Ports = nil, nil
	if got := offLoopback(c); len(got) != 0 {
		t.Fatalf("nothing published, reported %q", got)
	}
}

// refuseRebinding: through its published port each binary's admin API
// (and toxiproxy's) answers the lab and refuses a rebinding page's Host.
func refuseRebinding(t *testing.T, dep plan.Deployment) {
	for _, node := range []string{plan.EdgeName, "dc-east-lb", "dc-east-1", plan.ToxiproxyName} {
		base, err := dep.AdminURL(node)
		if node == plan.ToxiproxyName {
			base, err = dep.LinksURL(), nil
		}
		if err != nil {
			t.Fatal(err)
		}
		for host, want := range map[string]int{"": 200, "evil.example": 403} {
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, base+"/healthz", nil)
			if host != "" {
				req.Host = host
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != want {
				t.Errorf("%s with Host %q: %s, want %d", node, req.Host, res.Status, want)
			}
		}
	}
}
