package diagnose

import (
	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/stats"
)

// Analysis is one replay and what the lab concludes from it: the summary,
// the model it was judged against (nil when the topology is unknown, as
// with replay --url, or a replay across a fault) and the finding. The CLI
// prints it and the scenario suites attach it to their reports.
type Analysis struct {
	Result  *replay.Result
	Summary stats.Summary
	Model   *stats.Model
	Finding Finding
}

// Analyse summarises and diagnoses res, judging it against model when one
// is given.
func Analyse(res *replay.Result, model *stats.Model, opts ...Option) Analysis {
	if model != nil {
		opts = append(opts, WithModel(*model))
	}
	return Analysis{Result: res, Summary: res.Summary(), Model: model, Finding: Diagnose(res, opts...)}
}

// Judgement is the level and interval f judged the model against, or s's
// 95 % interval for a finding built without Diagnose: the one interval a
// report shows.
func Judgement(s stats.Summary, f Finding) (level, lo, hi float64) {
	if f.Confidence <= 0 {
		return 0.95, s.CILow, s.CIHigh
	}
	return f.Confidence, f.CILow, f.CIHigh
}

// ExampleFailure picks the failed run that tells the story best: the
// finding's example, else one that crossed datacenters and had a
// persistence cookie re-issued, else any.
func ExampleFailure(res *replay.Result, f Finding) (replay.Run, bool) {
	for _, run := range res.Runs {
		if !run.OK && run.Index == f.Example {
			return run, true
		}
	}
	var best replay.Run
	score := -1
	for _, run := range res.Runs {
		if run.OK {
			continue
		}
		sc := 0
		if run.Crossed {
			sc += 2
		}
		if len(run.Reissued) > 0 {
			sc++
		}
		if sc > score {
			best, score = run, sc
		}
		if sc == 3 {
			break
		}
	}
	return best, score >= 0
}
