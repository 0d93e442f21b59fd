package dockerrt

import (
	"net/http"
	"testing"

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

// publishedOnLoopbackOnly checks every port any container of the run
// publishes, as asked for and as Docker bound it.
func publishedOnLoopbackOnly(t *testing.T, cli *client.Client, p *plan.Plan) {
	cs, err := cli.ContainerList(t.Context(), client.ContainerListOptions{All: true, Filters: labelFilter(LabelRun, p.RunID)})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs.Items) != len(p.Nodes) {
		t.Fatalf("%d containers for %d nodes", len(cs.Items), len(p.Nodes))
	}
	for _, c := range cs.Items {
		res, err := cli.ContainerInspect(t.Context(), c.ID, client.ContainerInspectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ct := res.Container
		name := ct.Config.Labels[LabelNode]
		bound := 0
		for port, bindings := range ct.NetworkSettings.Ports {
			for _, b := range bindings {
				bound++
				if b.HostIP.String() != "127.0.0.1" {
					t.Errorf("%s: %s is published on %q:%s", name, port, b.HostIP, b.HostPort)
				}
			}
		}
		for port, bindings := range ct.HostConfig.PortBindings {
			for _, b := range bindings {
				if b.HostIP.String() != "127.0.0.1" {
					t.Errorf("%s: %s is asked to be published on %q", name, port, b.HostIP)
				}
			}
		}
		if bound == 0 {
			t.Errorf("%s publishes nothing: its admin port is missing", name)
		}
	}
}

// refuseRebinding: through its published port each binary's admin API
// answers the lab and refuses a rebinding page's Host.
func refuseRebinding(t *testing.T, dep plan.Deployment) {
	for _, node := range []string{plan.EdgeName, "dc-east-lb", "dc-east-1"} {
		base, err := dep.AdminURL(node)
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
