package monitor

import (
	"math"

	"github.com/stickylab/stickylab/lab/stats"
)

// Event is what one observed run changed in the monitor's state.
type Event string

// Events of a Decider.
const (
	NoChange  Event = ""
	Fired     Event = "firing"   // the rate is significantly above the threshold
	Recovered Event = "resolved" // after Fired: the rate is significantly back below it
)

// Decider runs Wald's SPRT over a stream of runs, restarting the test after
// every decision (a repeated SPRT, which behaves like Page's CUSUM chart):
// a "below" decision while quiet, or an "above" one while alerting, only
// restarts the count, so a change is detected as quickly an hour in as at
// the start. It fires once per episode: it fires again only after it has
// recovered.
type Decider struct {
	rule     stats.StopRule
	alerting bool
	failures int
	runs     int
}

// NewDecider tests "rate <= threshold" against "rate >= Alternative(threshold)"
// with both error rates 1 - confidence.
func NewDecider(threshold, confidence float64) (*Decider, error) {
	e := math.Round((1-confidence)*1e9) / 1e9 // 0.05, not 0.050000000000000044
	rule := stats.SPRT(threshold, Alternative(threshold), e, e, 0)
	if err := rule.Validate(); err != nil {
		return nil, err
	}
	return &Decider{rule: rule}, nil
}

// Alternative is the rate the test must tell apart from threshold p0: twice
// p0, kept below 1 (half way between p0 and 1 for p0 >= 1/3).
func Alternative(p0 float64) float64 { return min(2*p0, (1+p0)/2) }

// Observe counts one run and says whether it fired or recovered.
func (d *Decider) Observe(failed bool) Event {
	d.runs++
	if failed {
		d.failures++
	}
	decision, stop := d.rule.Check(d.failures, d.runs)
	if !stop {
		return NoChange
	}
	d.failures, d.runs = 0, 0
	switch {
	case decision == stats.Above && !d.alerting:
		d.alerting = true
		return Fired
	case decision == stats.Below && d.alerting:
		d.alerting = false
		return Recovered
	}
	return NoChange
}

// Alerting reports whether the last event was Fired.
func (d *Decider) Alerting() bool { return d.alerting }

// Rule describes the test for logs and alerts.
func (d *Decider) Rule() string { return d.rule.String() }

// Pending is the number of runs in the current test: 0 right after a
// decision restarted it.
func (d *Decider) Pending() int { return d.runs }
