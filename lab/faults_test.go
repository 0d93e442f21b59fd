package lab_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/fakecdn/policy"
	"github.com/stickylab/stickylab/lab"
	"github.com/stickylab/stickylab/lab/topology"
)

// edgeHealth is what the edge reports about dc right now.
func edgeHealth(t *testing.T, l *lab.Lab, dc string) bool {
	t.Helper()
	st, err := l.State(ctxFor(t), "edge")
	if err != nil {
		t.Fatal(err)
	}
	m, ok := st.Member(dc)
	if !ok {
		t.Fatalf("edge has no member %s: %+v", dc, st.Members)
	}
	return m.Healthy
}

func TestStoppingADatacenterLeavesOneAndLoginsWork(t *testing.T) {
	topo := topology.Default()
	topo.Seed = 42
	l := upLocal(t, topo)
	ctx := ctxFor(t)

	if err := l.StopDatacenter(ctx, "dc-east"); err != nil {
		t.Fatal(err)
	}
	if edgeHealth(t, l, "dc-east") {
		t.Fatal("StopDatacenter returned while the edge still saw dc-east healthy")
	}
	for i := range 5 {
		u := newUser(t, l)
		if !u.login() || strings.Join(u.datacenters(), ",") != "dc-west" {
			t.Fatalf("login %d with dc-east stopped: %+v", i, u.hops)
		}
	}
	if err := l.StartDatacenter(ctx, "dc-east"); err != nil {
		t.Fatal(err)
	}
	if !edgeHealth(t, l, "dc-east") {
		t.Fatal("StartDatacenter returned while the edge still saw dc-east unhealthy")
	}
	st, err := l.State(ctx, "dc-east")
	if err != nil {
		t.Fatal(err)
	}
	if st.Role != "dc" || len(st.Members) != 2 || !st.Members[0].Healthy || !st.Members[1].Healthy {
		t.Fatalf("dc-east LB after start: %+v", st)
	}
}

func TestAPartitionCutsTheEdgeFromADatacenterAndHealRestoresIt(t *testing.T) {
	l := upLocal(t, topology.Default())
	ctx := ctxFor(t)
	if err := l.PartitionDatacenter(ctx, "dc-west"); err != nil {
		t.Fatal(err)
	}
	if edgeHealth(t, l, "dc-west") {
		t.Fatal("the edge still sees dc-west healthy")
	}
	// The datacenter itself still runs: only the edge cannot reach it.
	st, err := l.State(ctx, "dc-west")
	if err != nil || !st.Members[0].Healthy {
		t.Fatalf("dc-west LB during the partition: %+v, %v", st, err)
	}
	if err := l.PartitionDatacenter(ctx, "dc-west"); err != nil {
		t.Fatalf("a second partition must be a no-op: %v", err)
	}
	if err := l.HealDatacenter(ctx, "dc-west"); err != nil {
		t.Fatal(err)
	}
	if !edgeHealth(t, l, "dc-west") {
		t.Fatal("the edge still sees dc-west unhealthy")
	}
}

func TestARestartedInstanceHasLostItsSessions(t *testing.T) {
	l := upLocal(t, oneDatacenter(1))
	ctx := ctxFor(t)
	u := newUser(t, l)
	if !u.login() {
		t.Fatalf("login: %+v", u.hops)
	}
	if n, err := l.SessionCount(ctx, "dc-east-1"); n != 1 || err != nil {
		t.Fatalf("sessions after login: %d, %v", n, err)
	}
	if err := l.RestartInstance(ctx, "dc-east-1"); err != nil {
		t.Fatal(err)
	}
	if final, _ := u.get("/account"); final != "/login" {
		t.Fatalf("after a restart /account must send to /login, ended at %s: %+v", final, u.hops)
	}
	if h := u.hops[len(u.hops)-2]; h.failure != "session-missing" {
		t.Fatalf("want a session-missing failure, got %+v", h)
	}
}

func TestAKilledInstanceIsTakenOutOfItsDatacenter(t *testing.T) {
	l := upLocal(t, oneDatacenter(2))
	ctx := ctxFor(t)
	if err := l.KillInstance(ctx, "dc-east-1"); err != nil {
		t.Fatal(err)
	}
	st, err := l.State(ctx, "dc-east")
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := st.Member("dc-east-1"); m.Healthy {
		t.Fatal("the LB still sees dc-east-1 healthy")
	}
	for range 4 {
		u := newUser(t, l)
		if !u.login() || u.last().servedBy != "dc-east/dc-east-2" {
			t.Fatalf("with dc-east-1 down: %+v", u.hops)
		}
	}
	if err := l.StartInstance(ctx, "dc-east-1"); err != nil {
		t.Fatal(err)
	}
	st, _ = l.State(ctx, "dc-east")
	if m, _ := st.Member("dc-east-1"); !m.Healthy {
		t.Fatal("the LB still sees dc-east-1 unhealthy")
	}
}

func TestFlushedSessionsAreGone(t *testing.T) {
	l := upLocal(t, oneDatacenter(1))
	ctx := ctxFor(t)
	u := newUser(t, l)
	if !u.login() {
		t.Fatalf("login: %+v", u.hops)
	}
	if err := l.FlushSessions(ctx, "dc-east-1"); err != nil {
		t.Fatal(err)
	}
	if final, _ := u.get("/account"); final != "/login" {
		t.Fatalf("after a flush /account must send to /login, ended at %s", final)
	}
}

func TestLatencyShowsInTimingAndState(t *testing.T) {
	l := upLocal(t, oneDatacenter(1))
	ctx := ctxFor(t)
	const delay = 150 * time.Millisecond
	if err := l.SetLatency(ctx, "dc-east", delay); err != nil {
		t.Fatal(err)
	}
	links, err := l.Links(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := (lab.Toxic{Name: "latency", Type: "latency", Stream: "downstream", Toxicity: 1,
		Attributes: map[string]int64{"latency": 150, "jitter": 0}}); len(links) != 1 || len(links[0].Toxics) != 1 || !reflect.DeepEqual(links[0].Toxics[0], want) {
		t.Fatalf("links %+v, want dc-east with %+v", links, want)
	}
	u := newUser(t, l)
	began := time.Now()
	u.get("/login")
	if took := time.Since(began); took < delay {
		t.Fatalf("GET /login took %s with %s of latency", took, delay)
	}
	if err := l.SetLatency(ctx, "dc-east", -time.Second); err == nil || !strings.Contains(err.Error(), "negative") {
		t.Fatalf("a negative latency must be refused: %v", err)
	}
	if err := l.SetLatency(ctx, "dc-east", 0); err != nil {
		t.Fatal(err)
	}
	if links, _ := l.Links(ctx); len(links[0].Toxics) != 0 {
		t.Fatalf("latency 0 must remove the toxic: %+v", links[0].Toxics)
	}
}

func TestEdgePersistenceMakesEveryLoginWork(t *testing.T) {
	topo := topology.Default()
	topo.Seed = 42
	l := upLocal(t, topo)
	ctx := ctxFor(t)
	if err := l.SetEdgePersistence(ctx, "cookie"); err != nil {
		t.Fatal(err)
	}
	st, err := l.State(ctx, "edge")
	if err != nil || st.Config.Persistence != policy.PersistCookie {
		t.Fatalf("edge config after SetEdgePersistence: %v, %v", st.Config, err)
	}
	for i := range 8 {
		u := newUser(t, l)
		if !u.login() || len(u.datacenters()) != 1 {
			t.Fatalf("login %d with edge persistence: %+v", i, u.hops)
		}
		if u.cookie("cdn_dc") == "" {
			t.Fatalf("login %d: the edge set no cdn_dc cookie", i)
		}
	}
}

func TestConfigureSendsOnlyWhatIsSetAndNamesABadField(t *testing.T) {
	l := upLocal(t, oneDatacenter(1))
	ctx := ctxFor(t)
	off := false
	if err := l.Configure(ctx, "dc-east", lab.Policy{DecisionHeaders: &off}); err != nil {
		t.Fatal(err)
	}
	st, err := l.State(ctx, "dc-east")
	if err != nil {
		t.Fatal(err)
	}
	if policy.On(st.Config.DecisionHeaders, true) || st.Config.Persistence != policy.PersistCookie {
		t.Fatalf("only decision_headers should have changed: %v", st.Config)
	}
	u := newUser(t, l)
	u.get("/login")
	if h := u.last(); h.lb != "" {
		t.Fatalf("decision headers are off, yet X-Stickylab-LB: %q", h.lb)
	}
	err = l.SetDatacenterPersistence(ctx, "dc-east", "sticky")
	if err == nil || !strings.Contains(err.Error(), "persistence") || !strings.Contains(err.Error(), "400") {
		t.Fatalf("want a 400 naming persistence, got %v", err)
	}
}

func TestARotatedKeyMakesOldCookiesUndecodable(t *testing.T) {
	l := upLocal(t, oneDatacenter(2))
	ctx := ctxFor(t)
	u := newUser(t, l)
	u.get("/login")
	before := u.cookie("lbs")
	if !strings.HasPrefix(before, "!") {
		t.Fatalf("want an f5-encrypted lbs cookie, got %q", before)
	}
	if err := l.RotateKey(ctx, "dc-east"); err != nil {
		t.Fatal(err)
	}
	u.get("/login")
	if h := u.last(); !strings.Contains(h.lb, "reason=undecodable") {
		t.Fatalf("after rotation the old cookie must be undecodable: %q", h.lb)
	}
	if after := u.cookie("lbs"); after == before {
		t.Fatal("the LB must re-issue lbs after a rotation")
	}
}

func TestInstanceFaultsInsideAPartitionedDatacenterDoNotWaitForTheEdge(t *testing.T) {
	l := upLocal(t, topology.Default())
	ctx := ctxFor(t)
	if err := l.PartitionDatacenter(ctx, "dc-west"); err != nil {
		t.Fatal(err)
	}
	if err := l.RestartInstance(ctx, "dc-west-1"); err != nil {
		t.Fatalf("restart inside a partition: %v", err)
	}
	if err := l.StartDatacenter(ctx, "dc-west"); err != nil {
		t.Fatalf("start of a running, partitioned datacenter: %v", err)
	}
	if err := l.HealDatacenter(ctx, "dc-west"); err != nil {
		t.Fatal(err)
	}
}
