package lab_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/lab"
)

// Every fault describes itself: what it applies to, what it does, what an
// interruption leaves, and each argument's meaning.
func TestEveryFaultDescribesItself(t *testing.T) {
	want := []string{"bandwidth", "flush", "heal", "kill", "latency", "partition", "persistence", "remove-toxic",
		"reset_peer", "restart", "rotate-key", "slicer", "slow_close", "start", "start-redis", "stop", "stop-redis", "timeout"}
	var got []string
	for _, f := range lab.Faults() {
		got = append(got, f.Name)
		if f.Target == "" || len(f.Does) < 20 || f.Interrupt == "" {
			t.Errorf("fault %s: target %q, does %q, interrupt %q", f.Name, f.Target, f.Does, f.Interrupt)
		}
		for _, a := range f.Args {
			if a.Doc == "" || a.Kind == "" {
				t.Errorf("fault %s: argument %s undocumented", f.Name, a.Name)
			}
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("faults %v, want %v", got, want)
	}
}

// Bad input names what is wrong and changes nothing.
func TestPerformRefusesBadInputNamingIt(t *testing.T) {
	l := upLocal(t, oneDatacenter(1))
	ctx := ctxFor(t)
	for _, c := range []struct {
		name, target string
		args         map[string]string
		want         string
	}{
		{"melt", "dc-east", nil, `unknown fault "melt" (have bandwidth, flush`},
		{"stop", "dc-north", nil, `no datacenter "dc-north" in this lab (have dc-east)`},
		{"kill", "dc-east", nil, `no instance "dc-east"`},
		{"start", "dc-east-9", nil, `"dc-east-9" is neither a datacenter (dc-east) nor an instance (dc-east-1)`},
		{"latency", "dc-north", map[string]string{"latency": "10"}, `no link "dc-north" in this lab (have dc-east)`},
		{"latency", "dc-east", map[string]string{"latency": "fast"}, `latency="fast": want milliseconds (300) or a duration`},
		{"latency", "dc-east", map[string]string{"latncy": "10"}, `unknown argument "latncy" (it takes latency, jitter)`},
		{"latency", "dc-east", nil, `missing argument latency`},
		{"bandwidth", "dc-east", map[string]string{"rate": "-1"}, `rate="-1": want a whole number ≥ 0`},
		{"slicer", "dc-east", map[string]string{"average_size": "8", "stream": "sideways"}, `stream="sideways": want one of downstream, upstream`},
		{"persistence", "edge", map[string]string{"mode": "sticky"}, `mode="sticky": want one of none, cookie, source-ip`},
		{"rotate-key", "dc-east-1", nil, `no load balancer "dc-east-1"`},
	} {
		err := l.Perform(ctx, c.name, c.target, c.args)
		var in *lab.InputError
		if !errors.As(err, &in) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %s %v: want an input error containing %q, got %v", c.name, c.target, c.args, c.want, err)
		}
	}
	if links, _ := l.Links(ctx); len(links[0].Toxics) != 0 || !links[0].Enabled {
		t.Errorf("bad input changed the link: %+v", links[0])
	}
}

// Each toxic fault puts Toxiproxy's toxic of that type on the link, with
// its attributes in Toxiproxy's units, and remove-toxic takes it off.
func TestToxicFaultsSetToxiproxysToxics(t *testing.T) {
	l := upLocal(t, oneDatacenter(1))
	ctx := ctxFor(t)
	for _, c := range []struct {
		name string
		args map[string]string
		want map[string]int64
	}{
		{"latency", map[string]string{"latency": "300", "jitter": "50ms"}, map[string]int64{"latency": 300, "jitter": 50}},
		{"bandwidth", map[string]string{"rate": "64"}, map[string]int64{"rate": 64}},
		{"timeout", map[string]string{"timeout": "2s"}, map[string]int64{"timeout": 2000}},
		{"reset_peer", map[string]string{"timeout": "10", "stream": "upstream"}, map[string]int64{"timeout": 10}},
		{"slow_close", map[string]string{"delay": "100"}, map[string]int64{"delay": 100}},
		{"slicer", map[string]string{"average_size": "64", "size_variation": "8", "delay": "10"}, map[string]int64{"average_size": 64, "size_variation": 8, "delay": 10}},
	} {
		if err := l.Perform(ctx, c.name, "dc-east", c.args); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		links, err := l.Links(ctx)
		if err != nil {
			t.Fatal(err)
		}
		toxics := links[0].Toxics
		if len(toxics) != 1 || toxics[0].Type != c.name || toxics[0].Name != c.name || !reflect.DeepEqual(toxics[0].Attributes, c.want) {
			t.Errorf("%s %v: toxics %+v, want attributes %v", c.name, c.args, toxics, c.want)
		}
		if err := l.Perform(ctx, "remove-toxic", "dc-east", map[string]string{"name": c.name}); err != nil {
			t.Fatalf("remove %s: %v", c.name, err)
		}
	}
	if links, _ := l.Links(ctx); len(links[0].Toxics) != 0 {
		t.Errorf("toxics left: %+v", links[0].Toxics)
	}
}

// A timeout toxic stops the data: the edge's health checks time out and it
// takes the datacenter out, as a black-holed WAN link would.
func TestATimeoutToxicTakesTheDatacenterOut(t *testing.T) {
	l := upLocal(t, oneDatacenter(1))
	ctx := ctxFor(t)
	if err := l.Perform(ctx, "timeout", "dc-east", nil); err != nil {
		t.Fatal(err)
	}
	eventuallyEdge(t, l, "dc-east", false)
	if err := l.Perform(ctx, "remove-toxic", "dc-east", map[string]string{"name": "timeout"}); err != nil {
		t.Fatal(err)
	}
	eventuallyEdge(t, l, "dc-east", true)
}

// eventuallyEdge waits until the edge reports dc healthy (or not), polling
// its state, until the test's deadline.
func eventuallyEdge(t *testing.T, l *lab.Lab, dc string, healthy bool) {
	t.Helper()
	ctx := ctxFor(t)
	for edgeHealth(t, l, dc) != healthy {
		select {
		case <-ctx.Done():
			t.Fatalf("the edge never reported %s healthy=%v", dc, healthy)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
