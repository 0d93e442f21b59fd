package stats_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/lab/stats"
	"github.com/stickylab/stickylab/lab/topology"
)

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.5f, want %.5f ± %g", what, got, want, tol)
	}
}

func TestWilson(t *testing.T) {
	lo, hi := stats.Wilson(48, 100, 0.95)
	near(t, "Wilson(48,100) lo", lo, 0.385, 0.0005)
	near(t, "Wilson(48,100) hi", hi, 0.577, 0.0005)
	near(t, "WilsonUpper(0,300)", stats.WilsonUpper(0, 300, 0.95), 0.0126, 0.00005)
	if lo, hi := stats.Wilson(0, 0, 0.95); lo != 0 || hi != 1 {
		t.Errorf("Wilson(0,0) = [%g, %g], want [0, 1]", lo, hi)
	}
	if lo, hi := stats.Wilson(10, 10, 0.95); hi != 1 || lo < 0.69 || lo > 0.73 {
		t.Errorf("Wilson(10,10) = [%g, %g]", lo, hi)
	}
}

func TestRunsToDetectAndUpperBound(t *testing.T) {
	if n := stats.RunsToDetect(0.01, 0.95); n != 299 {
		t.Errorf("RunsToDetect(0.01, 0.95) = %d, want 299", n)
	}
	if n := stats.RunsToDetect(0.5, 0.75); n != 2 {
		t.Errorf("RunsToDetect(0.5, 0.75) = %d, want exactly 2", n)
	}
	if n := stats.RunsToDetect(0, 0.95); n != 0 {
		t.Errorf("RunsToDetect(0, .95) = %d, want 0", n)
	}
	near(t, "UpperBoundNoFailure(300, .95)", stats.UpperBoundNoFailure(300, 0.95), 0.00994, 0.00001)
	near(t, "UpperBoundNoFailure(1, .95)", stats.UpperBoundNoFailure(1, 0.95), 0.95, 1e-12)
	// Clopper–Pearson one-sided bounds (beta quantiles, computed independently).
	near(t, "UpperBound(1, 100, .95)", stats.UpperBound(1, 100, 0.95), 0.04656, 0.00001)
	near(t, "UpperBound(225, 300, .999)", stats.UpperBound(225, 300, 0.999), 0.82263, 0.00001)
	if b := stats.UpperBound(5, 5, 0.95); b != 1 {
		t.Errorf("UpperBound(5, 5) = %g, want 1", b)
	}
}

// How many runs it takes to detect a rate and how many clean runs prove a
// rate below it are one number: RunsToDetect is the first n whose bound
// reaches p.
func TestRunsToDetectIsWhereTheUpperBoundReachesTheRate(t *testing.T) {
	for _, c := range []float64{0.9, 0.95, 0.99, 0.999} {
		for _, p := range []float64{0.001, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5} {
			n := stats.RunsToDetect(p, c)
			if b := stats.UpperBound(0, n, c); b > p {
				t.Errorf("RunsToDetect(%g, %g) = %d, but the bound after %d clean runs is %g > %g", p, c, n, n, b, p)
			}
			if b := stats.UpperBound(0, n-1, c); n > 1 && b <= p {
				t.Errorf("RunsToDetect(%g, %g) = %d, but %d clean runs already bound the rate at %g", p, c, n, n-1, b)
			}
		}
	}
}

func TestSPRT(t *testing.T) {
	rule := stats.SPRT(0.01, 0.05, 0.05, 0.05, 1000)
	if err := rule.Validate(); err != nil {
		t.Fatal(err)
	}
	// A 75 % failure stream: fail, fail, fail, succeed, ...
	failures := 0
	for runs := 1; runs <= 1000; runs++ {
		if runs%4 != 0 {
			failures++
		}
		if d, stop := rule.Check(failures, runs); stop {
			if d != stats.Above || runs > 5 {
				t.Errorf("decided %s after %d runs, want above within 5", d, runs)
			}
			break
		}
	}
	// A healthy stream decides "below" well before the cap.
	for runs := 1; runs <= 1000; runs++ {
		if d, stop := rule.Check(0, runs); stop {
			if d != stats.Below || runs > 100 {
				t.Errorf("healthy: %s after %d runs", d, runs)
			}
			break
		}
	}
	if d, stop := stats.SPRT(0.01, 0.05, 0.05, 0.05, 10).Check(1, 10); !stop || d != stats.Undecided {
		t.Errorf("cap: %s %v, want undecided stop", d, stop)
	}
	if d, stop := stats.MaxRuns(3).Check(3, 3); !stop || d != stats.Undecided {
		t.Errorf("MaxRuns: %s %v", d, stop)
	}
	for _, bad := range []stats.StopRule{stats.SPRT(0, 0.05, 0.05, 0.05, 0), stats.SPRT(0.1, 0.05, 0.05, 0.05, 0), stats.SPRT(0.01, 0.05, 0.6, 0.05, 0), stats.MaxRuns(0)} {
		if bad.Validate() == nil {
			t.Errorf("%s validated", bad)
		}
	}
}

func TestSummary(t *testing.T) {
	var s stats.Summary // the zero value works too
	s.Add(false, "session-missing", true)
	s.Add(true, "", false)
	s.Add(true, "", true)
	s.Served("dc-east", "dc-east-1")
	s.Served("", "")
	if s.Runs != 3 || s.Failures != 1 || s.Causes["session-missing"] != 1 || s.CrossedFailed != 1 || s.CrossedOK != 1 || s.Datacenters["dc-east"] != 1 || len(s.Instances) != 1 {
		t.Errorf("summary %+v", s)
	}
	near(t, "rate", s.FailureRate, 1.0/3, 1e-12)
	if s.CILow <= 0 || s.CIHigh >= 1 {
		t.Errorf("CI [%g, %g]", s.CILow, s.CIHigh)
	}
}

func twoDCs(mutate func(*topology.Topology)) topology.Topology {
	t := topology.Default()
	if mutate != nil {
		mutate(&t)
	}
	return t
}

func TestExpected(t *testing.T) {
	cases := []struct {
		name     string
		topo     topology.Topology
		requests int
		want     float64
	}{
		{"incident login", twoDCs(nil), 3, 0.75},
		{"incident change-password", twoDCs(nil), 5, 0.9375},
		{"shared key login", twoDCs(func(t *topology.Topology) {
			for i := range t.Datacenters {
				t.Datacenters[i].App.MachineKey = "shared"
			}
		}), 3, 0.5},
		{"per-instance key behind LB persistence", twoDCs(func(t *topology.Topology) {
			for i := range t.Datacenters {
				t.Datacenters[i].App.MachineKey = "instance"
			}
		}), 3, 0.75},
		{"weights 1 and 3", twoDCs(func(t *topology.Topology) { t.Datacenters[1].Weight = 3 }), 3, 1 - (math.Pow(0.25, 3) + math.Pow(0.75, 3))},
		{"one datacenter", topology.Topology{Datacenters: []topology.Datacenter{{Name: "dc-east"}}}, 3, 0},
		{"edge cookie", twoDCs(func(t *topology.Topology) { t.Edge.Persistence = "cookie" }), 3, 0},
		{"edge source-ip", twoDCs(func(t *topology.Topology) { t.Edge.Persistence = "source-ip" }), 5, 0},
	}
	for _, c := range cases {
		m := stats.Expected(c.topo, c.requests)
		if !m.Applies {
			t.Errorf("%s: does not apply: %s", c.name, m.Why)
			continue
		}
		near(t, c.name, m.FailureRate, c.want, 1e-9)
		if m.Why == "" || m.Formula == "" {
			t.Errorf("%s: no explanation: %+v", c.name, m)
		}
	}
	// 1 − (0.25³ + 0.75³) = 1 − 0.4375 = 0.5625. (The issue quotes 0.4219,
	// which is 0.75³ alone, the chance of staying on the heavier datacenter.)
	near(t, "weights 1,3", stats.Expected(cases[4].topo, 3).FailureRate, 0.5625, 1e-12)
	if f := stats.Expected(twoDCs(nil), 3).Formula; f != "1 − Σ wᵢ³" {
		t.Errorf("formula %q", f)
	}
}

func TestExpectedDoesNotApply(t *testing.T) {
	cases := map[string]topology.Topology{
		"no persistence in dc-east": twoDCs(func(t *topology.Topology) { t.Datacenters[0].LB.Persistence = "none" }),
		"round-robin edge":          twoDCs(func(t *topology.Topology) { t.Edge.Selection = "round-robin" }),
		"mixed keys":                twoDCs(func(t *topology.Topology) { t.Datacenters[0].App.MachineKey = "shared" }),
	}
	for name, topo := range cases {
		m := stats.Expected(topo, 3)
		if m.Applies || m.Why == "" {
			t.Errorf("%s: %+v, want Applies=false with a reason", name, m)
		}
	}
	if m := stats.Expected(cases["no persistence in dc-east"], 3); !strings.Contains(m.Why, "dc-east has 2 instances and no persistence") {
		t.Errorf("why = %q", m.Why)
	}
	// One instance per datacenter needs no LB persistence.
	one := twoDCs(func(t *topology.Topology) {
		for i := range t.Datacenters {
			t.Datacenters[i].Instances, t.Datacenters[i].LB.Persistence = 1, "none"
		}
	})
	if m := stats.Expected(one, 3); !m.Applies || m.FailureRate != 0.75 {
		t.Errorf("one instance each: %+v", m)
	}
}

// DNS steering: T = 0 is the per-request model; a flow far shorter than
// the TTL almost never crosses; a flow as long as the TTL is per-request.
func TestDNSSteeringModel(t *testing.T) {
	topo := topology.Default()
	perRequest := stats.Expected(topo, 3).FailureRate
	topo.Edge.Steering = "dns"
	if got := stats.ExpectedPaced(topo, 3, 10*time.Millisecond).FailureRate; math.Abs(got-perRequest) > 1e-12 {
		t.Errorf("dns_ttl 0: %v, want the per-request %v", got, perRequest)
	}
	topo.Edge.DNSTTL = time.Minute
	if got := stats.ExpectedPaced(topo, 3, 10*time.Millisecond).FailureRate; got > 0.001 {
		t.Errorf("dns_ttl 60s, 10ms between requests: %v, want almost 0", got)
	}
	if got := stats.ExpectedPaced(topo, 3, time.Minute).FailureRate; math.Abs(got-perRequest) > 1e-12 {
		t.Errorf("requests a TTL apart: %v, want the per-request %v", got, perRequest)
	}
	// (m−1)·q·(1 − Σw²) for small q: 2 · (6s/60s) · 0.5 ≈ 0.1
	if got := stats.ExpectedPaced(topo, 3, 6*time.Second).FailureRate; math.Abs(got-0.0975) > 1e-9 {
		t.Errorf("q = 0.1: %v, want 1 − (0.95² ) = 0.0975", got)
	}
}
