package monitor_test

import (
	"testing"

	"github.com/stickylab/stickylab/lab/monitor"
)

func feed(d *monitor.Decider, failed bool, n int) []monitor.Event {
	var events []monitor.Event
	for range n {
		if ev := d.Observe(failed); ev != monitor.NoChange {
			events = append(events, ev)
		}
	}
	return events
}

func TestTheDeciderFiresOnceThenOnlyAfterRecovering(t *testing.T) {
	d, err := monitor.NewDecider(0.05, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	if ev := feed(d, false, 500); len(ev) != 0 || d.Alerting() {
		t.Fatalf("all runs ok: events %v, alerting %v", ev, d.Alerting())
	}
	if ev := feed(d, true, 100); len(ev) != 1 || ev[0] != monitor.Fired || !d.Alerting() {
		t.Fatalf("100 failures: want one firing, got %v", ev)
	}
	if ev := feed(d, false, 500); len(ev) != 1 || ev[0] != monitor.Recovered || d.Alerting() {
		t.Fatalf("500 successes after the alert: want one recovery, got %v", ev)
	}
	if ev := feed(d, true, 100); len(ev) != 1 || ev[0] != monitor.Fired {
		t.Fatalf("failures after the recovery: want a new firing, got %v", ev)
	}
}

func TestTheDeciderFiresWithinAFewRunsAtTheIncidentsRate(t *testing.T) {
	d, err := monitor.NewDecider(0.05, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	// 3 of 4 runs fail, as with two datacenters and no edge persistence.
	for i := range 40 {
		if d.Observe(i%4 != 0) == monitor.Fired {
			t.Logf("fired after %d runs (%s)", i+1, d.Rule())
			return
		}
	}
	t.Fatalf("no alert after 40 runs at a 75 %% failure rate (%s)", d.Rule())
}

func TestTheDeciderRejectsImpossibleThresholds(t *testing.T) {
	for _, c := range []struct{ p, conf float64 }{{0, 0.95}, {1, 0.95}, {0.05, 0.4}, {-1, 0.9}} {
		if _, err := monitor.NewDecider(c.p, c.conf); err == nil {
			t.Errorf("NewDecider(%g, %g): want an error", c.p, c.conf)
		}
	}
}

func TestTheAlternativeIsAboveTheThresholdAndBelowOne(t *testing.T) {
	for _, p := range []float64{0.001, 0.05, 0.3, 0.5, 0.9, 0.999} {
		if a := monitor.Alternative(p); !(a > p && a < 1) {
			t.Errorf("Alternative(%g) = %g, want in (%g, 1)", p, a, p)
		}
	}
}
