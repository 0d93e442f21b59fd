package localrt_test

import (
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stickylab/stickylab/lab/internal/localrt"
	"github.com/stickylab/stickylab/lab/internal/pki"
	"github.com/stickylab/stickylab/lab/internal/plan"
	"github.com/stickylab/stickylab/lab/topology"
)

func start(t *testing.T, topo topology.Topology) (plan.Deployment, *pki.CA) {
	t.Helper()
	p, err := plan.New(topo)
	if err != nil {
		t.Fatal(err)
	}
	return startPlan(t, p)
}

func startPlan(t *testing.T, p *plan.Plan) (plan.Deployment, *pki.CA) {
	t.Helper()
	ca, err := pki.NewCA(p.RunID)
	if err != nil {
		t.Fatal(err)
	}
	cert, key, err := ca.Leaf("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	dep, err := localrt.New(t.Logf).Start(t.Context(), p, plan.TLSFiles{CertPEM: cert, KeyPEM: key})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dep.Down(t.Context()) })
	return dep, ca
}

func get(t *testing.T, client *http.Client, url string) (int, string) {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestEveryNodeAnswersAndTheEdgeServesTLSWithTheLabsCA(t *testing.T) {
	dep, ca := start(t, topology.Default())
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca.Pool()}}}
	if code, body := get(t, client, dep.EdgeURL()+"/login"); code != 200 || !strings.Contains(body, "__RequestVerificationToken") {
		t.Fatalf("GET /login through the edge: %d\n%s", code, body)
	}
	p, _ := plan.New(topology.Default())
	for _, name := range p.Names() {
		u, err := dep.AdminURL(name)
		if err != nil {
			t.Fatal(err)
		}
		if code, _ := get(t, http.DefaultClient, u+"/healthz"); code != 200 {
			t.Errorf("%s admin /healthz: %d", name, code)
		}
	}
	// The edge reaches each datacenter through a link, not at the LB's address.
	edgeAdmin, _ := dep.AdminURL("edge")
	lbAdmin, _ := dep.AdminURL("dc-east-lb")
	_, body := get(t, http.DefaultClient, edgeAdmin+"/state")
	var st struct{ Members []struct{ URL string } }
	if err := json.Unmarshal([]byte(body), &st); err != nil || len(st.Members) != 2 {
		t.Fatalf("edge state: %v\n%s", err, body)
	}
	if st.Members[0].URL == lbAdmin || !strings.HasPrefix(st.Members[0].URL, "http://127.0.0.1:") {
		t.Fatalf("edge member URL %s", st.Members[0].URL)
	}
}

func TestAStoppedNodeRefusesAndStartsAgainOnItsAddress(t *testing.T) {
	dep, _ := start(t, topology.Default())
	u, _ := dep.AdminURL("dc-west-2")
	if err := dep.Stop(t.Context(), "dc-west-2"); err != nil {
		t.Fatal(err)
	}
	if err := dep.Stop(t.Context(), "dc-west-2"); err != nil {
		t.Fatalf("stop twice: %v", err)
	}
	if _, err := http.Get(u + "/healthz"); err == nil {
		t.Fatal("a stopped node must refuse connections")
	}
	if err := dep.Start(t.Context(), "dc-west-2"); err != nil {
		t.Fatal(err)
	}
	if u2, _ := dep.AdminURL("dc-west-2"); u2 != u {
		t.Fatalf("address changed: %s -> %s", u, u2)
	}
	if code, _ := get(t, http.DefaultClient, u+"/admin/sessions"); code != 200 {
		t.Fatalf("restarted node: %d", code)
	}
}

func TestATLSEdgeNeedsItsCertificateAndNothingIsLeftRunning(t *testing.T) {
	p, _ := plan.New(topology.Default())
	_, err := localrt.New(nil).Start(t.Context(), p, plan.TLSFiles{})
	if err == nil || !strings.Contains(err.Error(), "no certificate") {
		t.Fatalf("want a missing certificate error, got %v", err)
	}
}

func TestDownIsIdempotentAndStopsEverything(t *testing.T) {
	dep, _ := start(t, topology.Default())
	u, _ := dep.AdminURL("edge")
	if err := dep.Down(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := dep.Down(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(u + "/healthz"); err == nil {
		t.Fatal("the edge still answers after Down")
	}
	if err := dep.Stop(t.Context(), "edge"); err == nil || !strings.Contains(err.Error(), "down") {
		t.Fatalf("Stop after Down: %v", err)
	}
}

// A stopped and started LB comes back with what its admin API changed, as a
// balancer with a saved configuration does; Down leaves no state file.
func TestAStartedLBKeepsItsSavedConfiguration(t *testing.T) {
	p, err := plan.New(topology.Default())
	if err != nil {
		t.Fatal(err)
	}
	dep, _ := startPlan(t, p)
	u, err := dep.AdminURL("dc-east-lb")
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPatch, u+"/config", strings.NewReader(`{"persistence":"none"}`))
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("PATCH /config: %v %v", resp, err)
	}
	if err := dep.Stop(t.Context(), "dc-east-lb"); err != nil {
		t.Fatal(err)
	}
	if err := dep.Start(t.Context(), "dc-east-lb"); err != nil {
		t.Fatal(err)
	}
	_, body := get(t, http.DefaultClient, u+"/state")
	var st struct{ Config struct{ Persistence string } }
	if err := json.Unmarshal([]byte(body), &st); err != nil || st.Config.Persistence != "none" {
		t.Fatalf("after stop and start: persistence %q, want none (%v)", st.Config.Persistence, err)
	}
	if err := dep.Down(t.Context()); err != nil {
		t.Fatal(err)
	}
	left, _ := filepath.Glob(filepath.Join(os.TempDir(), "stickylab-local-"+p.RunID+"-*"))
	if len(left) != 0 {
		t.Fatalf("state directory left after Down: %v", left)
	}
}
