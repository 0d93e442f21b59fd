// Package diagnose turns the recorded hops of a replay into a finding a
// person can act on: what kind of failure it is, with the numbers behind it.
package diagnose

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/stats"
)

// Kind names a finding.
type Kind string

// The findings, from the most to the least specific.
const (
	CrossDatacenter Kind = "cross-datacenter" // the incident: requests of one flow land in different datacenters
	Failover        Kind = "failover"         // a datacenter went down mid-flow
	InstanceRestart Kind = "instance-restart" // sessions lost on one instance, no crossing
	KeyRotation     Kind = "key-rotation"     // the LB could no longer decode its own cookie
	SessionLost     Kind = "session-lost"     // crossing with a shared key: only the session is missing
	Healthy         Kind = "healthy"          // nothing failed
	Other           Kind = "other"            // none of the above explains the failures
)

// Finding is the diagnosis of a replay.
type Finding struct {
	Kind Kind   `json:"finding"`
	Text string `json:"diagnosis"`
	// Explained counts the failed runs that fit Kind.
	Explained int `json:"explained"`
	// Example is the Index of a failed run that fits Kind (-1 when none).
	Example int `json:"example_run"`
	// Crossings counts failed runs by their first crossing, "dc-east → dc-west".
	Crossings map[string]int `json:"crossings,omitempty"`
	// ReissuedAtCrossing counts failed runs by cookie re-issued on the hop
	// where the datacenter changed.
	ReissuedAtCrossing map[string]int `json:"reissued_at_crossing,omitempty"`
	Summary            stats.Summary  `json:"-"`
	Model              *stats.Model   `json:"-"`
	// ModelAgrees is set when a model applies: is its rate inside the 95 % CI?
	ModelAgrees *bool `json:"model_agrees,omitempty"`
}

// Option configures Diagnose.
type Option func(*options)

type options struct{ model *stats.Model }

// WithModel compares the measured rate with the model's expected rate.
func WithModel(m stats.Model) Option { return func(o *options) { o.model = &m } }

// Diagnose explains a replay. It relies on X-Served-By alone where the
// decision headers are absent, so it works against any endpoint.
func Diagnose(res *replay.Result, opts ...Option) Finding {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	f := Finding{Example: -1, Summary: res.Summary(), Model: o.model}
	if res == nil || len(res.Runs) == 0 {
		f.Kind, f.Text = Other, "No run was recorded."
		return f
	}
	flow := res.Flow
	if f.Summary.Failures == 0 {
		f.Kind, f.Text = Healthy, healthy(f.Summary, flow)
	} else {
		e := examine(res)
		f.Kind, f.Explained, f.Example = e.verdict()
		f.Crossings, f.ReissuedAtCrossing = e.crossings, e.reissued
		f.Text = e.text(f, flow)
	}
	if o.model != nil {
		f.Text += " " + modelSentence(*o.model, f.Summary, &f)
	}
	return f
}

func healthy(s stats.Summary, flow string) string {
	return fmt.Sprintf("All %d %s runs succeeded. With no failure in %d runs the failure rate is below %s with 95 %% confidence (Wilson upper bound %s); seeing a 1 %% failure rate with 95 %% confidence takes %d runs.",
		s.Runs, flow, s.Runs, pct(stats.UpperBoundNoFailure(s.Runs, 0.95)), pct(s.CIHigh), stats.RunsToDetect(0.01, 0.95))
}

func modelSentence(m stats.Model, s stats.Summary, f *Finding) string {
	if !m.Applies {
		return "The model does not apply here: " + m.Why + "."
	}
	agrees := m.FailureRate >= s.CILow-1e-12 && m.FailureRate <= s.CIHigh+1e-12
	f.ModelAgrees = &agrees
	verdict := "agrees (the model is inside the 95 % CI)"
	if !agrees {
		verdict = fmt.Sprintf("disagrees (the model is outside the 95 %% CI %s)", CI(s.CILow, s.CIHigh))
	}
	return fmt.Sprintf("Expected %s from the model %s (%s); the measured %s %s.", pct(m.FailureRate), m.Formula, m.Why, pct(s.FailureRate), verdict)
}

// pct formats a rate as "75.0 %".
func pct(x float64) string { return fmt.Sprintf("%.1f %%", 100*x) }

// CI formats an interval as "70.5–79.0 %".
func CI(lo, hi float64) string { return fmt.Sprintf("%.1f–%.1f %%", 100*lo, 100*hi) }

// classes lists failure classes by count: "antiforgery-undecryptable 200, session-missing 100".
func classes(causes map[string]int) string {
	return countList(causes, " ")
}

func countList(m map[string]int, sep string) string {
	keys := slices.Collect(maps.Keys(m))
	slices.SortFunc(keys, func(a, b string) int {
		if m[a] != m[b] {
			return m[b] - m[a]
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s%s%d", k, sep, m[k])
	}
	return strings.Join(parts, ", ")
}
