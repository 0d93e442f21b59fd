package lab_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stickylab/stickylab/fakecdn/policy"
	"github.com/stickylab/stickylab/internal/testenv"
	"github.com/stickylab/stickylab/lab"
	"github.com/stickylab/stickylab/lab/internal/admin"
	"github.com/stickylab/stickylab/lab/internal/dockerrt"
	"github.com/stickylab/stickylab/lab/topology"
)

// resetTopology has two datacenters of two instances, seeded, and a policy
// different from the one the lab is first started with.
func resetTopology() (started, wanted topology.Topology) {
	started = topology.Default()
	started.Seed = 42
	wanted = started
	wanted.Datacenters = append([]topology.Datacenter(nil), started.Datacenters...)
	wanted.Edge.Persistence = "cookie"
	wanted.Edge.Cookie.Codec = "f5-encrypted"
	wanted.Datacenters[1].Weight = 3
	wanted.Datacenters[0].LB.Persistence = "none"
	wanted.Edge.Cookie.MaxIdle = policy.Duration(5 * time.Minute) // cookie lifetimes are resettable too
	wanted.Edge.Steering, wanted.Edge.DNSTTL = "dns", time.Minute // and the edge's steering
	wanted.Edge.TrustClientIP = true
	wanted.Datacenters[1].App.MachineKey = "shared" // and the apps' machine key scope
	return started, wanted.WithDefaults()
}

func TestResetEqualsFreshLocal(t *testing.T) {
	resetEqualsFresh(t, "local")
}

func TestResetEqualsFreshDocker(t *testing.T) {
	if testing.Short() {
		testenv.Skip(t, testenv.RequireDocker, "docker reset: skipped with -short")
	}
	if err := dockerrt.Available(t.Context()); err != nil {
		testenv.Skip(t, testenv.RequireDocker, "no Docker engine: %v", err)
	}
	resetEqualsFresh(t, "docker")
}

// resetEqualsFresh changes a running lab in every way a spec can, resets it
// to another topology of the same shape, and compares every LB's /state and
// every app's sessions with those of a lab freshly started with that
// topology.
func resetEqualsFresh(t *testing.T, runtime string) {
	started, wanted := resetTopology()
	used := up(t, runtime, started)
	ctx, cancel := context.WithTimeout(t.Context(), dockerTimeout)
	defer cancel()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	// Sessions exist only after a successful login: pin users at the edge
	// first, so that every login succeeds and the flush has something to do.
	must("edge persistence for the sign-ins", used.SetEdgePersistence(ctx, "cookie"))
	for i := range 4 {
		if u := newUser(t, used); !u.login() {
			t.Fatalf("login %d with edge persistence failed: %+v", i, u.hops)
		}
	}
	sessions := 0
	for _, dc := range used.Topology().Datacenters {
		for _, inst := range dc.InstanceNames() {
			n, err := used.SessionCount(ctx, inst)
			must("session count of "+inst, err)
			sessions += n
		}
	}
	if sessions < 4 {
		t.Fatalf("%d sessions after 4 logins, want at least 4", sessions)
	}
	must("edge persistence", used.SetEdgePersistence(ctx, "source-ip"))
	must("dc persistence", used.SetDatacenterPersistence(ctx, "dc-west", "none"))
	must("edge policy", used.Configure(ctx, "edge", lab.Policy{Selection: policy.Ptr(policy.RoundRobin),
		DecisionHeaders: topology.Bool(false), ResolverHeader: policy.Ptr("X-Elsewhere")}))
	must("latency", used.SetLatency(ctx, "dc-east", 150*time.Millisecond))
	must("bandwidth", used.Perform(ctx, "bandwidth", "dc-west", map[string]string{"rate": "1000"}))
	must("rotate edge key", used.RotateKey(ctx, "edge"))
	must("rotate dc key", used.RotateKey(ctx, "dc-east"))
	edgeAdmin, err := used.AdminURL("edge")
	must("edge admin", err)
	_, err = admin.PatchMember(ctx, edgeAdmin, "dc-east", policy.MemberPatch{Weight: policy.Ptr(7.0), State: policy.Ptr(policy.StateDraining)})
	must("weight and drain", err)
	must("kill instance", used.KillInstance(ctx, "dc-east-2"))
	must("partition", used.PartitionDatacenter(ctx, "dc-east"))
	must("stop datacenter", used.StopDatacenter(ctx, "dc-west"))

	must("reset", used.Reset(ctx, wanted))
	fresh := up(t, runtime, wanted)

	for _, target := range []string{"edge", "dc-east", "dc-west"} {
		got, want := comparable(t, used, target), comparable(t, fresh, target)
		if diff := jsonDiff(got, want); len(diff) > 0 {
			t.Errorf("%s after a reset differs from a fresh lab's:\n%v", target, diff)
		}
	}
	gotLinks, err := used.Links(ctx)
	must("links", err)
	wantLinks, err := fresh.Links(ctx)
	must("links", err)
	if diff := jsonDiff(gotLinks, wantLinks); len(diff) > 0 {
		t.Errorf("the links after a reset differ from a fresh lab's:\n%v", diff)
	}
	for _, inst := range []string{"dc-east-1", "dc-east-2", "dc-west-1", "dc-west-2"} {
		got, err := used.SessionCount(ctx, inst)
		must("sessions", err)
		want, err := fresh.SessionCount(ctx, inst)
		must("sessions", err)
		if got != want {
			t.Errorf("%s holds %d sessions after a reset, a fresh lab's %d", inst, got, want)
		}
		u, err := used.AdminURL(inst)
		must("admin URL", err)
		gotSettings, err := admin.GetAppSettings(ctx, u)
		must("app settings", err)
		u, err = fresh.AdminURL(inst)
		must("admin URL", err)
		wantSettings, err := admin.GetAppSettings(ctx, u)
		must("app settings", err)
		if gotSettings != wantSettings {
			t.Errorf("%s runs %+v after a reset, a fresh lab's %+v", inst, gotSettings, wantSettings)
		}
	}
}

// comparable is an LB's /state without what legitimately differs between
// two labs: member URLs (addresses and ports), request counters.
func comparable(t *testing.T, l *lab.Lab, target string) lab.LBState {
	t.Helper()
	st, err := l.State(ctxFor(t), target)
	if err != nil {
		t.Fatal(err)
	}
	for i := range st.Members {
		st.Members[i].URL, st.Members[i].Requests = "", 0
	}
	for i := range st.Config.Members {
		st.Config.Members[i].URL = ""
	}
	return st
}

func up(t *testing.T, runtime string, topo topology.Topology) *lab.Lab {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), dockerTimeout)
	defer cancel()
	l, err := lab.Up(ctx, topo, lab.WithRuntime(runtime), lab.WithLogf(t.Logf))
	t.Cleanup(func() {
		if err := l.Down(context.Background()); err != nil {
			t.Errorf("down: %v", err)
		}
	})
	if err != nil {
		t.Fatalf("up: %v", err)
	}
	return l
}

func TestResetRefusesAnotherShapeAndChangesNothing(t *testing.T) {
	l := upLocal(t, oneDatacenter(2))
	before := current(t, l)
	for name, topo := range map[string]topology.Topology{
		"more instances": oneDatacenter(3),
		"another seed":   func() topology.Topology { t := oneDatacenter(2); t.Seed = 7; return t }(),
		"another app": func() topology.Topology {
			t := oneDatacenter(2)
			t.Datacenters[0].App.SessionTimeout = time.Minute
			return t
		}(),
	} {
		if err := l.Reset(ctxFor(t), topo); !errors.Is(err, lab.ErrShapeDiffers) {
			t.Errorf("%s: want ErrShapeDiffers, got %v", name, err)
		}
	}
	if diff := jsonDiff(current(t, l), before); len(diff) > 0 {
		t.Errorf("a refused reset changed the lab: %v", diff)
	}
}

func TestShapeIgnoresPoliciesAndWeights(t *testing.T) {
	a, b := resetTopology()
	if lab.Shape(a) != lab.Shape(b) {
		t.Fatalf("policies, steering and weights are resettable:\n%s\n%s", lab.Shape(a), lab.Shape(b))
	}
	b.Edge.TLS = topology.Bool(false)
	if lab.Shape(a) == lab.Shape(b) {
		t.Fatal("TLS needs a restart: the shapes must differ")
	}
}

// A tier field Reset does not set (here the cookie's SameSite, which PATCH
// /config cannot change) is shape: a pooled lab reset to a topology with it
// would otherwise run without it.
func TestShapeKeepsWhatResetCannotSet(t *testing.T) {
	a, b := resetTopology()
	b.Edge.Cookie.SameSite = "Lax"
	if lab.Shape(a) == lab.Shape(b) {
		t.Fatal("a cookie SameSite cannot be reset: the shapes must differ")
	}
	b.Edge.Cookie.SameSite = ""
	b.Datacenters[0].LB.Profile = "cloudflare"
	if lab.Shape(a) == lab.Shape(b) {
		t.Fatal("a vendor profile cannot be reset: the shapes must differ")
	}
}

// An HAProxy tier reads its policy from its configuration file only: its
// whole policy is shape, while the fakecdn edge in front stays resettable.
func TestShapeKeepsAnHAProxyTiersWholePolicy(t *testing.T) {
	haproxy := func(persistence policy.Persistence) topology.Topology {
		topo := topology.Default()
		topo.Datacenters[0].LB = topology.Tier{Engine: topology.EngineHAProxy, Tier: policy.Tier{Persistence: persistence}}
		return topo
	}
	if lab.Shape(haproxy(policy.PersistCookie)) == lab.Shape(haproxy(policy.PersistNone)) {
		t.Fatal("an HAProxy tier's persistence cannot be reset: the shapes must differ")
	}
	a, b := haproxy(policy.PersistCookie), haproxy(policy.PersistCookie)
	b.Edge.Persistence = "cookie"
	if lab.Shape(a) != lab.Shape(b) {
		t.Fatal("the edge is fakecdn: its persistence is resettable")
	}
}
