package lab_test

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/stickylab/stickylab/fakecdn/policy"
	"github.com/stickylab/stickylab/lab"
	"github.com/stickylab/stickylab/lab/topology"
)

func TestTheDefaultTopologyComesUpAndServesALoginThroughTheEdge(t *testing.T) {
	topo := topology.Default()
	topo.Seed = 42
	l := upLocal(t, topo)

	if l.Runtime() != "local" || l.RunID() == "" {
		t.Fatalf("runtime %q, run id %q", l.Runtime(), l.RunID())
	}
	if !strings.HasPrefix(l.EdgeURL(), "https://127.0.0.1:") {
		t.Fatalf("edge URL %q: want https on 127.0.0.1", l.EdgeURL())
	}
	if _, err := os.Stat(l.CAFile()); err != nil || l.CAPool() == nil {
		t.Fatalf("CA file %q: %v (pool %v)", l.CAFile(), err, l.CAPool())
	}
	if l.Topology().Seed != 42 || len(l.Topology().Datacenters) != 2 {
		t.Fatalf("topology: %+v", l.Topology())
	}
	u := newUser(t, l)
	ok := u.login()
	// Without edge persistence a login works only when every step stays in
	// one datacenter: either outcome is right, but it must be explained.
	switch dcs := u.datacenters(); {
	case ok && len(dcs) != 1:
		t.Fatalf("login worked across datacenters %v", dcs)
	case !ok && (len(dcs) < 2 || len(u.failures()) == 0):
		t.Fatalf("login failed within %v without a failure header: %+v", dcs, u.hops)
	}
	t.Logf("login ok=%v via %v, failures %v", ok, u.datacenters(), u.failures())
	for _, name := range []string{"edge", "dc-east", "dc-west-2"} {
		if u, err := l.AdminURL(name); err != nil || !strings.HasPrefix(u, "http://127.0.0.1:") {
			t.Errorf("AdminURL(%s) = %q, %v", name, u, err)
		}
	}
}

func TestOneDatacenterAlwaysLogsIn(t *testing.T) {
	l := upLocal(t, oneDatacenter(2))
	for i := range 10 {
		u := newUser(t, l)
		if !u.login() {
			t.Fatalf("login %d failed: %+v", i, u.hops)
		}
		if h := u.last(); !strings.Contains(h.edge, "reason=passthrough") {
			t.Fatalf("one datacenter: want the edge to pass through, got %q", h.edge)
		}
	}
}

func TestAPlainEdgeServesHTTPWithoutACA(t *testing.T) {
	topo := oneDatacenter(1)
	topo.Edge.TLS = topology.Bool(false)
	l := upLocal(t, topo)
	if !strings.HasPrefix(l.EdgeURL(), "http://127.0.0.1:") || l.CAFile() != "" || l.CAPool() != nil {
		t.Fatalf("edge %q, CA file %q, pool %v", l.EdgeURL(), l.CAFile(), l.CAPool())
	}
	if u := newUser(t, l); !u.login() {
		t.Fatalf("login over http failed: %+v", u.hops)
	}
}

func TestAnInvalidTopologyStartsNothing(t *testing.T) {
	topo := topology.Default()
	topo.Datacenters[0].Weight = -1
	l, err := lab.Up(t.Context(), topo, lab.WithRuntime("local"))
	if err == nil || l != nil {
		t.Fatalf("want an error and no lab, got %v, %v", l, err)
	}
	if !strings.Contains(err.Error(), "datacenters[0].weight") {
		t.Fatalf("the error must name the field: %v", err)
	}
	if err := l.Down(t.Context()); err != nil {
		t.Fatalf("Down on the nil lab of a failed Up: %v", err)
	}
}

func TestAnUnknownRuntimeIsRefused(t *testing.T) {
	l, err := lab.Up(t.Context(), topology.Default(), lab.WithRuntime("foo"))
	if l != nil || err == nil || !strings.Contains(err.Error(), `unknown runtime "foo": want auto, docker or local`) {
		t.Fatalf("got %v, %v", l, err)
	}
	if _, err := lab.Prepare(t.Context(), lab.WithRuntime("foo")); err == nil {
		t.Fatal("Prepare must refuse an unknown runtime too")
	}
	if rt, err := lab.Prepare(t.Context(), lab.WithRuntime("local")); rt != "local" || err != nil {
		t.Fatalf("Prepare(local) = %q, %v", rt, err)
	}
}

func TestAnUpThatFailsAfterStartingLeavesNothing(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	l, err := lab.Up(ctx, topology.Default(), lab.WithRuntime("local"))
	if err == nil {
		t.Fatal("an Up with a cancelled context must fail")
	}
	if l == nil {
		t.Fatalf("a failed start returns its lab for cleanup: %v", err)
	}
	if _, statErr := os.Stat(l.CAFile()); !os.IsNotExist(statErr) {
		t.Fatalf("the temp dir must be gone, stat %s: %v", l.CAFile(), statErr)
	}
	if err := l.Down(t.Context()); err != nil {
		t.Fatalf("Down after a failed Up: %v", err)
	}
	if err := l.StopDatacenter(t.Context(), "dc-east"); err == nil || !strings.Contains(err.Error(), "is down") {
		t.Fatalf("a fault on a failed lab: %v", err)
	}
}

func TestDownIsIdempotentAndConcurrent(t *testing.T) {
	l := upLocal(t, oneDatacenter(1))
	ca := l.CAFile()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if err := l.Down(t.Context()); err != nil {
				t.Errorf("down: %v", err)
			}
		})
	}
	wg.Wait()
	if err := l.Down(t.Context()); err != nil {
		t.Fatalf("second down: %v", err)
	}
	if _, err := os.Stat(ca); !os.IsNotExist(err) {
		t.Fatalf("CA file %s must be removed: %v", ca, err)
	}
	if _, err := l.State(t.Context(), "edge"); err == nil || !strings.Contains(err.Error(), "is down") {
		t.Fatalf("state of a lab that is down: %v", err)
	}
}

func TestUnknownTargetsAreNamedWithTheValidOnes(t *testing.T) {
	l := upLocal(t, topology.Default())
	ctx := ctxFor(t)
	cases := []struct {
		name string
		err  error
		want []string
	}{
		{"stop", l.StopDatacenter(ctx, "dc-north"), []string{`"dc-north"`, "dc-east, dc-west"}},
		{"partition", l.PartitionDatacenter(ctx, "dc-east-1"), []string{`"dc-east-1"`, "dc-east, dc-west"}},
		{"kill", l.KillInstance(ctx, "dc-east-9"), []string{`"dc-east-9"`, "dc-east-1, dc-east-2, dc-west-1, dc-west-2"}},
		{"latency", l.SetLatency(ctx, "dc-north", 0), []string{`"dc-north"`}},
		{"configure", l.Configure(ctx, "dc-east-1", lab.Policy{Persistence: policy.Ptr(policy.PersistNone)}), []string{`"dc-east-1"`, "edge, dc-east, dc-west"}},
		{"rotate", l.RotateKey(ctx, "nope"), []string{`"nope"`}},
		{"flush", l.FlushSessions(ctx, "dc-east"), []string{`"dc-east"`, "dc-east-1"}},
		{"persistence", l.SetDatacenterPersistence(ctx, "edge", "none"), []string{`"edge"`}},
	}
	for _, c := range cases {
		if c.err == nil {
			t.Errorf("%s: want an error", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(c.err.Error(), w) {
				t.Errorf("%s: %q lacks %s", c.name, c.err, w)
			}
		}
	}
	if _, err := l.State(ctx, "nope"); err == nil {
		t.Error("state of an unknown LB must fail")
	}
	if _, err := l.AdminURL("nope"); err == nil || !strings.Contains(err.Error(), "edge, dc-east, dc-west, dc-east-1") {
		t.Errorf("AdminURL(nope): %v", err)
	}
}
