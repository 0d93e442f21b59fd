package dockerrt

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stickylab/stickylab/lab/internal/admin"
	"github.com/stickylab/stickylab/lab/internal/plan"
)

// The edge reaches dc-east through the toxiproxy container: disabling the
// link is a partition the edge sees, enabling it heals it, and a latency
// toxic delays what crosses it.
func TestALinkIsCutHealedAndSlowedInTheToxiproxyContainer(t *testing.T) {
	requireDocker(t)
	p := newPlan(t, smallTopology(false))
	dep := start(t, p, plan.TLSFiles{})
	api, edge := dep.LinksURL(), mustAdmin(t, dep, plan.EdgeName)
	if api == "" {
		t.Fatal("no toxiproxy API")
	}
	st, err := getState(t.Context(), edge)
	if err != nil {
		t.Fatal(err)
	}
	if want := "http://toxiproxy:10000"; len(st.Members) != 1 || st.Members[0].URL != want {
		t.Fatalf("the edge's members %+v, want dc-east at %s", st.Members, want)
	}

	if err := admin.SetLinkEnabled(t.Context(), api, "dc-east", false); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, "the edge sees dc-east partitioned", membersHealthy(edge))
	if err := admin.SetLinkEnabled(t.Context(), api, "dc-east", true); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, "the edge sees dc-east healed", membersHealthy(edge, "dc-east"))

	const latency = 300 * time.Millisecond
	toxic := admin.Toxic{Name: "latency", Type: "latency", Attributes: map[string]int64{"latency": latency.Milliseconds()}}
	if err := admin.SetToxic(t.Context(), api, "dc-east", toxic); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	if code := status(t, dep.EdgeURL()+"/login"); code != http.StatusOK {
		t.Fatalf("GET /login through a slow link: %d", code)
	}
	if took := time.Since(began); took < latency {
		t.Errorf("a request through a link with %s of latency took %s", latency, took)
	}
}

func mustAdmin(t *testing.T, dep plan.Deployment, node string) string {
	t.Helper()
	u, err := dep.AdminURL(node)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func status(t *testing.T, url string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}
