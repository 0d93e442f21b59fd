package report

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/stickylab/stickylab/lab/diagnose"
	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/stats"
)

// Summary is the --json object.
type Summary struct {
	Flow        string         `json:"flow"`
	URL         string         `json:"url,omitempty"`
	Runs        int            `json:"runs"`
	Failed      int            `json:"failed"`
	FailureRate float64        `json:"failure_rate"`
	CI95Low     float64        `json:"ci95_low"`
	CI95High    float64        `json:"ci95_high"`
	Causes      map[string]int `json:"causes"`      // failure class -> runs
	Datacenters map[string]int `json:"datacenters"` // datacenter -> requests served
	Instances   map[string]int `json:"instances"`   // instance -> requests served
	// CrossedFailed and CrossedOK count runs that changed datacenter mid-flow.
	CrossedFailed int    `json:"crossed_failed"`
	CrossedOK     int    `json:"crossed_ok"`
	Diagnosis     string `json:"diagnosis"`
	Finding       string `json:"finding"`
	// ExpectedFailureRate is null when no model was given or it does not apply;
	// ModelNote then says why.
	ExpectedFailureRate *float64 `json:"expected_failure_rate"`
	ModelNote           string   `json:"model_note,omitempty"`
	// ModelAgrees is judged against the interval CILow–CIHigh at Confidence
	// (ci95_low/ci95_high stay the 95 % interval whatever the level).
	ModelAgrees       *bool   `json:"model_agrees,omitempty"`
	Confidence        float64 `json:"confidence"`
	CILow             float64 `json:"ci_low"`
	CIHigh            float64 `json:"ci_high"`
	Decision          string  `json:"decision,omitempty"` // ReplayUntil: above | below | undecided
	Rule              string  `json:"rule,omitempty"`
	Concurrency       int     `json:"concurrency"`
	ReusedConnections bool    `json:"reused_connections"`
	ElapsedMS         int64   `json:"elapsed_ms"`
	// Partial is true when the replay was interrupted (Ctrl-C, a deadline, a
	// lost engine): the figures cover the Runs that completed, of
	// PlannedRuns; DroppedRuns were cut mid-flow and are not counted.
	Partial     bool   `json:"partial"`
	PlannedRuns int    `json:"planned_runs,omitempty"`
	DroppedRuns int    `json:"dropped_runs,omitempty"`
	Interrupted string `json:"interrupted,omitempty"`
}

// JSON builds the --json object; model may be nil (an external URL has none).
// Of an interrupted replay it counts only the completed runs.
func JSON(res *replay.Result, finding diagnose.Finding, model *stats.Model) Summary {
	res = res.Completed()
	s := res.Summary()
	out := Summary{Runs: s.Runs, Failed: s.Failures, FailureRate: s.FailureRate, CI95Low: s.CILow, CI95High: s.CIHigh,
		Causes: s.Causes, Datacenters: s.Datacenters, Instances: s.Instances, CrossedFailed: s.CrossedFailed, CrossedOK: s.CrossedOK,
		Diagnosis: finding.Text, Finding: string(finding.Kind), ModelAgrees: finding.ModelAgrees}
	out.Confidence, out.CILow, out.CIHigh = diagnose.Judgement(s, finding)
	if res != nil {
		out.Flow, out.URL, out.Concurrency, out.ReusedConnections = res.Flow, res.BaseURL, res.Concurrency, res.Reused
		out.Decision, out.Rule, out.ElapsedMS = string(res.Decision), res.Rule, res.Elapsed.Milliseconds()
		out.Partial, out.PlannedRuns, out.DroppedRuns, out.Interrupted = res.Partial(), res.Planned, res.Dropped, res.Interrupted
	}
	switch {
	case model == nil:
		out.ModelNote = "no model: the topology is unknown (replay against a URL)"
	case !model.Applies:
		out.ModelNote = "the model does not apply: " + model.Why
	default:
		rate := model.FailureRate
		out.ExpectedFailureRate = &rate
		out.ModelNote = model.Formula + ": " + model.Why
	}
	return out
}

// WriteJSON writes JSON(res, finding, model) as one indented object.
func WriteJSON(w io.Writer, res *replay.Result, finding diagnose.Finding, model *stats.Model) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(JSON(res, finding, model)); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}
