package dockerrt

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/stickylab/stickylab/internal/testenv"
	"github.com/stickylab/stickylab/lab/internal/pki"
	"github.com/stickylab/stickylab/lab/internal/plan"
	"github.com/stickylab/stickylab/lab/topology"
)

// upTimeout bounds one Start in the tests: the first one also compiles the
// binaries and builds the images.
const upTimeout = 3 * time.Minute

// requireDocker skips, visibly, when no engine answers (fails under
// STICKYLAB_REQUIRE_DOCKER=1), and returns the client the checks use.
func requireDocker(t *testing.T) *client.Client {
	t.Helper()
	if err := Available(t.Context()); err != nil {
		testenv.Skip(t, testenv.RequireDocker, "no Docker engine: %v", err)
	}
	cli, err := dockerClient(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return cli
}

var noTLS = plan.TLSFiles{}

// smallTopology is one datacenter with one instance: three containers.
func smallTopology(tls bool) topology.Topology {
	return topology.Topology{
		Name:        "small",
		Edge:        topology.Edge{TLS: topology.Bool(tls)},
		Datacenters: []topology.Datacenter{{Name: "dc-east", Instances: 1}},
	}
}

func newPlan(t *testing.T, topo topology.Topology) *plan.Plan {
	t.Helper()
	p, err := plan.New(topo)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func tlsFor(t *testing.T, p *plan.Plan) (plan.TLSFiles, *pki.CA) {
	t.Helper()
	files, ca := tlsFiles(p)
	if ca == nil {
		t.Fatal("cannot make the edge's certificate")
	}
	return files, ca
}

// tlsFiles issues the edge's certificate from a new CA; nil CA on error.
func tlsFiles(p *plan.Plan) (plan.TLSFiles, *pki.CA) {
	ca, err := pki.NewCA(p.RunID)
	if err != nil {
		return plan.TLSFiles{}, nil
	}
	cert, key, err := ca.Leaf("127.0.0.1", "localhost", "edge")
	if err != nil {
		return plan.TLSFiles{}, nil
	}
	return plan.TLSFiles{CertPEM: cert, KeyPEM: key}, ca
}

// start starts p and registers its Down, which must leave nothing behind.
func start(t *testing.T, p *plan.Plan, files plan.TLSFiles) plan.Deployment {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), upTimeout)
	defer cancel()
	dep, err := New(t.Logf).Start(ctx, p, files)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if dep != nil {
			if err := dep.Down(ctx); err != nil {
				t.Errorf("down: %v", err)
			}
		}
		_ = removeRun(ctx, mustClient(t), p.RunID) // whatever a failed test left
	})
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	return dep
}

func mustClient(t *testing.T) *client.Client {
	cli, err := dockerClient(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return cli
}

// leftovers lists the containers and networks labelled with a run.
func leftovers(t *testing.T, cli *client.Client, runID string) []string {
	t.Helper()
	f := labelFilter(LabelRun, runID)
	cs, err := cli.ContainerList(t.Context(), client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	ns, err := cli.NetworkList(t.Context(), client.NetworkListOptions{Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range cs.Items {
		out = append(out, "container "+strings.Join(c.Names, ","))
	}
	for _, n := range ns.Items {
		out = append(out, "network "+n.Name)
	}
	return out
}

type lbState struct {
	Members []struct {
		Name    string `json:"name"`
		URL     string `json:"url"`
		Healthy bool   `json:"healthy"`
	} `json:"members"`
}

func getState(ctx context.Context, adminURL string) (lbState, error) {
	var st lbState
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, adminURL+"/state", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return st, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return st, fmt.Errorf("GET /state: %s", res.Status)
	}
	return st, json.NewDecoder(res.Body).Decode(&st)
}

// eventually polls cond every 50ms until it holds or the timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, cond func(ctx context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	var err error
	for {
		if err = cond(ctx); err == nil {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s: not within %s: %v", what, timeout, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// membersHealthy checks that an LB reports exactly want as healthy members.
func membersHealthy(adminURL string, want ...string) func(context.Context) error {
	return func(ctx context.Context) error {
		st, err := getState(ctx, adminURL)
		if err != nil {
			return err
		}
		var healthy []string
		for _, m := range st.Members {
			if m.Healthy {
				healthy = append(healthy, m.Name)
			}
		}
		if !slices.Equal(healthy, want) {
			return fmt.Errorf("healthy members %v, want %v", healthy, want)
		}
		return nil
	}
}

func TestTheDefaultTopologyRunsLabelledAndComesDownWithoutLeftovers(t *testing.T) {
	cli := requireDocker(t)
	p := newPlan(t, topology.Default())
	files, ca := tlsFor(t, p)
	dep := start(t, p, files)

	cs, err := cli.ContainerList(t.Context(), client.ContainerListOptions{All: true, Filters: labelFilter(LabelRun, p.RunID)})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs.Items) != len(p.Nodes)+1 {
		t.Fatalf("%d containers for %d nodes and toxiproxy", len(cs.Items), len(p.Nodes))
	}
	for _, c := range cs.Items {
		checkContainer(t, cli, p, c.ID)
	}

	// The edge sees both datacenters healthy, so every hop resolves its
	// members by alias over the right networks.
	admin, err := dep.AdminURL(plan.EdgeName)
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, 15*time.Second, "edge reports both datacenters healthy", membersHealthy(admin, "dc-east", "dc-west"))
	if !strings.HasPrefix(dep.EdgeURL(), "https://127.0.0.1:") {
		t.Fatalf("edge URL %s", dep.EdgeURL())
	}
	https := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca.Pool()}}}
	eventually(t, 15*time.Second, "a login page through the edge", func(ctx context.Context) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, dep.EdgeURL()+"/login", nil)
		res, err := https.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		_, _ = io.Copy(io.Discard, res.Body)
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("X-Served-By"), "dc-") {
			return fmt.Errorf("GET /login: %s, X-Served-By %q", res.Status, res.Header.Get("X-Served-By"))
		}
		return nil
	})

	start := time.Now()
	if err := dep.Down(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Logf("down of %d containers: %s", len(p.Nodes), time.Since(start).Round(time.Millisecond))
	if left := leftovers(t, cli, p.RunID); len(left) > 0 {
		t.Fatalf("down left %v", left)
	}
	if err := dep.Down(t.Context()); err != nil {
		t.Fatalf("a second down: %v", err)
	}
	if _, err := dep.AdminURL(plan.EdgeName); err == nil {
		t.Fatal("a lab that is down has no admin URL")
	}
}

// checkContainer verifies one container against its plan node: running,
// labelled, named, on its networks under its alias, publishing only the
// expected ports, on 127.0.0.1.
func checkContainer(t *testing.T, cli *client.Client, p *plan.Plan, id string) {
	t.Helper()
	res, err := cli.ContainerInspect(t.Context(), id, client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := res.Container
	name := c.Config.Labels[LabelNode]
	n, err := p.Node(name)
	if name == plan.ToxiproxyName {
		n, err = plan.Node{Name: name, Networks: []string{plan.WAN}}, nil
		for _, dc := range p.Topology.Datacenters {
			n.Networks = append(n.Networks, dc.Name)
		}
	}
	if err != nil {
		t.Fatalf("container %s: %v", c.Name, err)
	}
	if !c.State.Running {
		t.Errorf("%s is %s", name, c.State.Status)
	}
	if c.Name != "/sl-"+p.RunID+"-"+name || c.Config.Labels[LabelPID] != self.pid || c.Config.Labels[LabelRun] != p.RunID {
		t.Errorf("%s: name %s labels %v", name, c.Name, c.Config.Labels)
	}
	var nets []string
	for net, ep := range c.NetworkSettings.Networks {
		nets = append(nets, net)
		if !slices.Contains(ep.Aliases, name) {
			t.Errorf("%s on %s: aliases %v", name, net, ep.Aliases)
		}
	}
	var want []string
	for _, logical := range n.Networks {
		want = append(want, networkName(p.RunID, logical))
	}
	slices.Sort(nets)
	slices.Sort(want)
	if !slices.Equal(nets, want) {
		t.Errorf("%s: networks %v, want %v", name, nets, want)
	}
	wantPorts := []string{"8081/tcp"}
	if n.Kind == plan.KindEdge {
		wantPorts = append(wantPorts, "8443/tcp")
	}
	var published []string
	for port, bindings := range c.NetworkSettings.Ports {
		if len(bindings) == 0 {
			continue
		}
		published = append(published, port.String())
		for _, b := range bindings {
			if b.HostIP.String() != "127.0.0.1" {
				t.Errorf("%s: %s published on %s", name, port, b.HostIP)
			}
		}
	}
	slices.Sort(published)
	if !slices.Equal(published, wantPorts) {
		t.Errorf("%s: published %v, want %v", name, published, wantPorts)
	}
}

func TestANodeStopsAndStarts(t *testing.T) {
	requireDocker(t)
	p := newPlan(t, smallTopology(false))
	dep := start(t, p, plan.TLSFiles{})
	if !strings.HasPrefix(dep.EdgeURL(), "http://127.0.0.1:") {
		t.Fatalf("plain edge URL %s", dep.EdgeURL())
	}
	lbAdmin, err := dep.AdminURL("dc-east-lb")
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, 15*time.Second, "the LB sees its instance", membersHealthy(lbAdmin, "dc-east-1"))

	if err := dep.Stop(t.Context(), "dc-east-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := dep.AdminURL("dc-east-1"); err == nil {
		t.Error("a stopped node has no admin URL")
	}
	eventually(t, 15*time.Second, "the LB sees its instance down", membersHealthy(lbAdmin))
	if err := dep.Start(t.Context(), "dc-east-1"); err != nil {
		t.Fatal(err)
	}
	appAdmin, err := dep.AdminURL("dc-east-1")
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.Get(appAdmin + "/healthz")
	if err != nil {
		t.Fatalf("admin URL after a restart: %v", err)
	}
	res.Body.Close()
	eventually(t, 15*time.Second, "the LB sees its instance back", membersHealthy(lbAdmin, "dc-east-1"))

	if err := dep.Stop(t.Context(), "dc-north-1"); err == nil || !strings.Contains(err.Error(), "dc-north-1") {
		t.Errorf("an unknown node must be named; got %v", err)
	}
}

func TestAFailedStartRemovesWhatItStarted(t *testing.T) {
	cli := requireDocker(t)
	p := newPlan(t, smallTopology(false))
	for i := range p.Nodes {
		if p.Nodes[i].Kind == plan.KindApp {
			p.Nodes[i].App.KeyScope = "no-such-scope" // fakeapp exits 2
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), upTimeout)
	defer cancel()
	dep, err := New(t.Logf).Start(ctx, p, plan.TLSFiles{})
	t.Cleanup(func() { _ = removeRun(context.Background(), cli, p.RunID) })
	if err == nil {
		_ = dep.Down(ctx)
		t.Fatal("a plan whose app cannot start must fail")
	}
	if !strings.Contains(err.Error(), "start dc-east-1") || !strings.Contains(err.Error(), "no-such-scope") {
		t.Errorf("the error must name the node and quote its output: %v", err)
	}
	if left := leftovers(t, cli, p.RunID); len(left) > 0 {
		t.Fatalf("a failed start left %v", left)
	}
}

func TestACancelledStartRemovesWhatItStarted(t *testing.T) {
	cli := requireDocker(t)
	warmImages(t)
	p := newPlan(t, smallTopology(false))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	// Mid-way, whatever the engine's speed: the networks exist and the first
	// container has just been created, before any container is started.
	var once sync.Once
	d := &driver{logf: t.Logf, created: func(string) { once.Do(cancel) }}
	dep, err := d.Start(ctx, p, plan.TLSFiles{})
	t.Cleanup(func() { _ = removeRun(context.Background(), cli, p.RunID) })
	if err == nil {
		_ = dep.Down(t.Context())
		t.Fatal("a start cancelled after its first container was created must fail")
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("the error must say the start was cancelled: %v", err)
	}
	if left := leftovers(t, cli, p.RunID); len(left) > 0 {
		t.Fatalf("a cancelled start left %v", left)
	}
}

// warmImages makes sure the images exist, so that timing-sensitive tests
// measure starts, not builds.
func warmImages(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), upTimeout)
	defer cancel()
	if _, err := ensureImage(ctx, mustClient(t), t.Logf); err != nil {
		t.Fatal(err)
	}
}
