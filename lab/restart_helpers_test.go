package lab_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onsi/gomega"

	"github.com/stickylab/stickylab/fakecdn/policy"
	"github.com/stickylab/stickylab/lab"
	"github.com/stickylab/stickylab/lab/labtest"
	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/stats"
	"github.com/stickylab/stickylab/lab/topology"
)

func current(t *testing.T, l *lab.Lab) topology.Topology {
	t.Helper()
	cur, err := l.Current(ctxFor(t))
	if err != nil {
		t.Fatal(err)
	}
	return cur
}

func asJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// jsonDiff lists the JSON fields where got and want differ:
// "datacenters.0.lb.persistence: got cookie, want none".
func jsonDiff(got, want any) []string {
	g, w := flat(got), flat(want)
	var out []string
	for k := range g {
		if _, ok := w[k]; !ok {
			w[k] = "(none)"
		}
	}
	for _, k := range slices.Sorted(maps.Keys(w)) {
		if g[k] != w[k] {
			if _, ok := g[k]; !ok {
				g[k] = "(none)"
			}
			out = append(out, fmt.Sprintf("%s: got %s, want %s", k, g[k], w[k]))
		}
	}
	return out
}

func flat(v any) map[string]string {
	var tree any
	_ = json.Unmarshal([]byte(asJSON(v)), &tree)
	out := map[string]string{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				walk(prefix+k+".", x)
			}
		case []any:
			for i, x := range v {
				walk(fmt.Sprintf("%s%d.", prefix, i), x)
			}
		default:
			out[strings.TrimSuffix(prefix, ".")] = fmt.Sprint(v)
		}
	}
	walk("", tree)
	return out
}

// running is what the lab should report after the changes: the topology,
// each LB's key generation and the edge's delay per datacenter.
type running struct {
	topo   topology.Topology
	keys   map[string]int    // LB target → key generation
	delays map[string]string // datacenter → the latency toxic on the edge's link to it
}

// without is r with the datacenter dc out of the running topology.
func (r running) without(dc string) running {
	r.topo.Datacenters = slices.DeleteFunc(slices.Clone(r.topo.Datacenters), func(d topology.Datacenter) bool { return d.Name == dc })
	return r
}

// changesSurviveRestarts applies every change the lab offers at run time
// (Configure, SetEdgePersistence, SetDatacenterPersistence, RotateKey,
// SetLatency), then stops and starts each datacenter and kills and starts
// an instance in each, and after each step compares Current with what the
// changes make of the topology, with every LB's GET /state and with
// labtest.Expected. l runs topology.Default().
func changesSurviveRestarts(ctx context.Context, t *testing.T, l *lab.Lab) {
	want := running{topo: l.Topology(), keys: map[string]int{"edge": 0, "dc-east": 0, "dc-west": 0}, delays: map[string]string{"dc-east": "0s"}}
	want.topo.Datacenters = slices.Clone(want.topo.Datacenters)
	east, west := &want.topo.Datacenters[0], &want.topo.Datacenters[1]
	changes := []struct {
		name  string
		apply func() error
		model func()
	}{
		{"configure edge", func() error { return l.Configure(ctx, "edge", lab.Policy{OnMemberDown: policy.Ptr(policy.Temporary)}) },
			func() { want.topo.Edge.OnMemberDown = "temporary" }},
		{"configure dc-west", func() error {
			return l.Configure(ctx, "dc-west", lab.Policy{Selection: policy.Ptr(policy.Random), Undecodable: policy.Ptr(policy.Reject), PassthroughSingle: topology.Bool(true)})
		}, func() {
			west.LB.Selection, west.LB.Undecodable, west.LB.PassthroughSingle = "random", "reject", topology.Bool(true)
		}},
		{"edge persistence", func() error { return l.SetEdgePersistence(ctx, "cookie") },
			func() { want.topo.Edge.Persistence = "cookie" }},
		{"dc-east persistence", func() error { return l.SetDatacenterPersistence(ctx, "dc-east", "none") },
			func() { east.LB.Persistence = "none" }},
		{"rotate dc-west", func() error { return l.RotateKey(ctx, "dc-west") }, func() { want.keys["dc-west"] = 1 }},
		{"rotate edge", func() error { return l.RotateKey(ctx, "edge") }, func() { want.keys["edge"] = 1 }},
		{"latency dc-west", func() error { return l.SetLatency(ctx, "dc-west", 20*time.Millisecond) },
			func() { want.delays["dc-west"] = "20ms" }},
	}
	for _, c := range changes {
		if err := c.apply(); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		c.model()
	}
	checkRunning(t, l, want, "the changes")

	restarts := []struct {
		name         string
		stop, start  func() error
		whileStopped running
	}{
		{"dc-east", func() error { return l.StopDatacenter(ctx, "dc-east") }, func() error { return l.StartDatacenter(ctx, "dc-east") }, want.without("dc-east")},
		{"dc-west", func() error { return l.StopDatacenter(ctx, "dc-west") }, func() error { return l.StartDatacenter(ctx, "dc-west") }, want.without("dc-west")},
		{"dc-east-1", func() error { return l.KillInstance(ctx, "dc-east-1") }, func() error { return l.StartInstance(ctx, "dc-east-1") }, want},
		{"dc-west-2", func() error { return l.KillInstance(ctx, "dc-west-2") }, func() error { return l.StartInstance(ctx, "dc-west-2") }, want},
	}
	for _, r := range restarts {
		if err := r.stop(); err != nil {
			t.Fatalf("stop %s: %v", r.name, err)
		}
		checkRunning(t, l, r.whileStopped, r.name+" stopped")
		if err := r.start(); err != nil {
			t.Fatalf("start %s: %v", r.name, err)
		}
		checkRunning(t, l, want, r.name+" stopped and started")
	}
}

// checkRunning compares Current with want, with every running LB's GET
// /state and with labtest.Expected.
func checkRunning(t *testing.T, l *lab.Lab, want running, after string) {
	t.Helper()
	cur := current(t, l)
	if !reflect.DeepEqual(cur, want.topo) {
		t.Errorf("after %s, Current differs from the changes: %s", after, strings.Join(jsonDiff(cur, want.topo), "; "))
	}
	tiers := map[string]topology.Tier{"edge": cur.Edge.Tier}
	for _, dc := range cur.Datacenters {
		tiers[dc.Name] = dc.LB
	}
	for target, tier := range tiers {
		st, err := l.State(ctxFor(t), target)
		if err != nil {
			t.Fatal(err)
		}
		got := st.Config.Tier
		for _, f := range []struct {
			field     string
			cur, live any
		}{
			{"selection", tier.Selection, got.Selection}, {"persistence", tier.Persistence, got.Persistence},
			{"undecodable", tier.Undecodable, got.Undecodable}, {"on_member_down", tier.OnMemberDown, got.OnMemberDown},
			{"passthrough_single", *tier.PassthroughSingle, *got.PassthroughSingle},
			{"decision_headers", *tier.DecisionHeaders, *got.DecisionHeaders}, {"hash_cookie", tier.HashCookie, got.HashCookie},
		} {
			if f.cur != f.live {
				t.Errorf("after %s, %s: Current says %s %v, its /state %v", after, target, f.field, f.cur, f.live)
			}
		}
		if st.KeyGeneration != want.keys[target] {
			t.Errorf("after %s, %s: key generation %d, want %d", after, target, st.KeyGeneration, want.keys[target])
		}
	}
	links, err := l.Links(ctxFor(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, link := range links {
		delay := "0s"
		for _, tx := range link.Toxics {
			if tx.Type == "latency" {
				delay = (time.Duration(tx.Attributes["latency"]) * time.Millisecond).String()
			}
		}
		if want, ok := want.delays[link.Name]; ok && delay != want {
			t.Errorf("after %s, the link to %s delays by %q, want %q", after, link.Name, delay, want)
		}
	}
	g := gomega.NewWithT(t)
	gomega.RegisterTestingT(t) // labtest's helpers assert with the global Gomega
	model := labtest.Expected(l, replay.Login)
	g.Expect(model).To(gomega.Equal(stats.Expected(want.topo, replay.Login.Requests())), "after %s: the model of the running topology", after)
}

// rotatedCookieSurvivesRestart: a cookie issued with a rotated key still
// pins its user after the datacenter is stopped and started, as it does on a
// balancer that saved its key. l runs oneDatacenter(2).
func rotatedCookieSurvivesRestart(ctx context.Context, t *testing.T, l *lab.Lab) {
	if err := l.RotateKey(ctx, "dc-east"); err != nil {
		t.Fatal(err)
	}
	u := newUser(t, l)
	u.get("/login")
	pin := u.cookie("lbs")
	if pin == "" || !slices.Contains([]string{"new", "undecodable"}, reasonOf(u.last().lb)) {
		t.Fatalf("first visit: lbs %q, %+v", pin, u.last())
	}
	if err := l.StopDatacenter(ctx, "dc-east"); err != nil {
		t.Fatal(err)
	}
	if err := l.StartDatacenter(ctx, "dc-east"); err != nil {
		t.Fatal(err)
	}
	u.get("/login")
	if got := reasonOf(u.last().lb); got != "persisted" || u.cookie("lbs") != pin {
		t.Fatalf("after the restart the rotated key must still decode the cookie: reason %q (%s), lbs %q → %q", got, u.last().lb, pin, u.cookie("lbs"))
	}
}

// reasonOf is the reason= of a decision header.
func reasonOf(header string) string {
	_, r, _ := strings.Cut(header, "reason=")
	return r
}
