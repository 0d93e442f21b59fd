// Package diagnose turns the recorded hops of a replay into a finding a
// person can act on: what kind of failure it is, with the numbers behind it.
package diagnose

import (
	"fmt"

	"github.com/stickylab/stickylab/fakecdn/policy"
	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/stats"
)

// Kind names a finding.
type Kind string

// The findings, from the most to the least specific.
const (
	CrossDatacenter Kind = "cross-datacenter"    // the incident: requests of one flow land in different datacenters
	Failover        Kind = policy.ReasonFailover // a datacenter went down mid-flow: the edge failed over
	InstanceRestart Kind = "instance-restart"    // sessions lost on one instance, no crossing
	KeyRotation     Kind = "key-rotation"        // the LB could no longer decode its own cookie
	SessionLost     Kind = "session-lost"        // crossing with a shared key: only the session is missing
	ReplicationLag  Kind = "replication-lag"     // read in a replica before the session written on the primary reached it
	Healthy         Kind = "healthy"             // nothing failed
	Other           Kind = "other"               // none of the above explains the failures
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
	// ByKind lists the Index of every failed run under the kind that
	// explains it; the runs outside ByKind[Kind] are the unexplained ones.
	ByKind  map[Kind][]int `json:"-"`
	Summary stats.Summary  `json:"-"`
	Model   *stats.Model   `json:"-"`
	// Confidence is the one level every claim of the finding is made at
	// (0.95 unless WithConfidence says otherwise), and CILow–CIHigh the
	// two-sided Wilson interval of the failure rate at that level: the
	// interval the text states and the model is judged against.
	Confidence float64 `json:"confidence"`
	CILow      float64 `json:"ci_low"`
	CIHigh     float64 `json:"ci_high"`
	// ModelAgrees is set when a model applies: is its rate inside the
	// interval at Confidence?
	ModelAgrees *bool `json:"model_agrees,omitempty"`
}

// Option configures Diagnose.
type Option func(*options)

type options struct {
	model      *stats.Model
	confidence float64
}

// DefaultConfidence is the level of a finding's claims unless WithConfidence
// says otherwise.
const DefaultConfidence = 0.95

// WithModel compares the measured rate with the model's expected rate.
func WithModel(m stats.Model) Option { return func(o *options) { o.model = &m } }

// WithConfidence makes every claim of the finding at confidence c (e.g.
// 0.999, the level a spec asserts at), so that the report states the
// interval the judgement used. A c outside (0, 1) keeps the default.
func WithConfidence(c float64) Option {
	return func(o *options) {
		if c > 0 && c < 1 {
			o.confidence = c
		}
	}
}

// Diagnose explains a replay. It relies on X-Served-By alone where the
// decision headers are absent, so it works against any endpoint.
func Diagnose(res *replay.Result, opts ...Option) Finding {
	o := options{confidence: DefaultConfidence}
	for _, opt := range opts {
		opt(&o)
	}
	f := Finding{Example: -1, Summary: res.Summary(), Model: o.model, Confidence: o.confidence}
	f.CILow, f.CIHigh = stats.Wilson(f.Summary.Failures, f.Summary.Runs, f.Confidence)
	if res == nil || len(res.Runs) == 0 {
		f.Kind, f.Text = Other, "No run was recorded."
		return f
	}
	flow := res.Flow
	if f.Summary.Failures == 0 {
		f.Kind, f.Text = Healthy, healthy(f, flow)
	} else {
		e := examine(res)
		f.Kind, f.Explained, f.Example = e.verdict()
		f.Crossings, f.ReissuedAtCrossing, f.ByKind = e.crossings, e.reissued, e.indexes()
		f.Text = e.text(f, flow)
	}
	if o.model != nil {
		f.Text += " " + modelSentence(*o.model, &f)
	}
	return f
}

// healthy states one bound at one level: the exact one-sided upper bound
// (stats.UpperBound), the same definition HaveFailureRateBelow and
// RunsToDetect use.
func healthy(f Finding, flow string) string {
	s, c := f.Summary, f.Confidence
	return fmt.Sprintf("All %d %s runs succeeded: with %s confidence the failure rate is below %s (exact one-sided bound). Ruling out a 1 %% failure rate at that confidence takes %d runs without a failure.",
		s.Runs, flow, Level(c), Pct(stats.UpperBound(0, s.Runs, c)), stats.RunsToDetect(0.01, c))
}

func modelSentence(m stats.Model, f *Finding) string {
	if !m.Applies {
		return "The model does not apply here: " + m.Why + "."
	}
	agrees := m.Inside(f.CILow, f.CIHigh)
	f.ModelAgrees = &agrees
	where := "inside"
	verdict := "agrees"
	if !agrees {
		where, verdict = "outside", "disagrees"
	}
	return fmt.Sprintf("Expected %s from the model %s (%s); the measured %s %s: the model is %s its %s CI %s.",
		Pct(m.FailureRate), m.Formula, m.Why, Pct(f.Summary.FailureRate), verdict, where, Level(f.Confidence), CI(f.CILow, f.CIHigh))
}

// classes lists failure classes by count: "antiforgery-undecryptable 200, session-missing 100".
func classes(causes map[string]int) string {
	return CountList(causes, " ")
}
