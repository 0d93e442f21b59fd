package localrt_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/internal/haproxy"
	"github.com/stickylab/stickylab/internal/testenv"
	"github.com/stickylab/stickylab/lab/internal/admin"
	"github.com/stickylab/stickylab/lab/internal/localrt"
	"github.com/stickylab/stickylab/lab/internal/plan"
	"github.com/stickylab/stickylab/lab/topology"
)

// haproxyTopology is one datacenter whose LB is HAProxy.
func haproxyTopology(t *testing.T) topology.Topology {
	if _, err := haproxy.Binary(); err != nil {
		testenv.Skip(t, testenv.RequireHAProxy, "%v", err)
	}
	return topology.Topology{Datacenters: []topology.Datacenter{
		{Name: "dc-east", LB: topology.Tier{Engine: topology.EngineHAProxy}},
	}}
}

// waitHealthy polls the LB's /state until every member is healthy.
func waitHealthy(t *testing.T, dep plan.Deployment, node string) {
	t.Helper()
	u, err := dep.AdminURL(node)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second) // a hang guard
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		st, err := admin.GetState(ctx, u)
		healthy := err == nil && len(st.Members) > 0
		for _, m := range st.Members {
			healthy = healthy && m.Healthy
		}
		if healthy {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s never reported every member healthy: %+v %v", node, st.Members, err)
		case <-tick.C:
		}
	}
}

func TestAnHAProxyLBServesItsDatacenterAndRestartsOnItsAddress(t *testing.T) {
	dep, _ := startLogged(t, haproxyTopology(t))
	waitHealthy(t, dep, "dc-east-lb")
	waitHealthy(t, dep, plan.EdgeName)
	resp, err := http.Get(dep.EdgeURL() + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if by, set := resp.Header.Get("X-Served-By"), resp.Header.Get("Set-Cookie"); !strings.HasPrefix(by, "dc-east/") ||
		!strings.Contains(strings.Join(resp.Header.Values("Set-Cookie"), "\n"), "lbs=dc-east-") {
		t.Fatalf("served by %q with Set-Cookie %q; want an instance of dc-east and HAProxy's lbs=<server>", by, set)
	}
	if err := dep.Stop(t.Context(), "dc-east-lb"); err != nil {
		t.Fatal(err)
	}
	u, _ := dep.AdminURL("dc-east-lb")
	if err := admin.Healthz(t.Context(), u); err == nil {
		t.Fatal("a stopped HAProxy LB still answers its admin API")
	}
	if err := dep.Start(t.Context(), "dc-east-lb"); err != nil {
		t.Fatal(err)
	}
	waitHealthy(t, dep, "dc-east-lb")
}

func TestWithoutHAProxyTheLabDoesNotStartAndNamesThePackage(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	topo := topology.Topology{Edge: topology.Edge{TLS: topology.Bool(false)}, Datacenters: []topology.Datacenter{
		{Name: "dc-east", LB: topology.Tier{Engine: topology.EngineHAProxy}},
	}}
	p, err := plan.New(topo)
	if err != nil {
		t.Fatal(err)
	}
	dep, err := localrt.New(nil).Start(t.Context(), p, plan.TLSFiles{})
	if dep != nil || err == nil || !strings.Contains(err.Error(), "install the Debian package haproxy") {
		t.Fatalf("Start = %v, %v; want no lab and an error naming the package haproxy", dep, err)
	}
}
