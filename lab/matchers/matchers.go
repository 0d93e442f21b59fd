// Package matchers holds Gomega matchers over replay results. A failing
// matcher prints the replay's summary, its diagnosis and the hop-by-hop
// request and response headers of one offending run: the failure message is
// the incident report.
//
//	res, err := lab.Replay(ctx, replay.Login, 400, 8)
//	Expect(err).NotTo(HaveOccurred())
//	Expect(res).To(FailIntermittently())
//	Expect(res).To(HaveFailureRateNear(stats.Expected(topo, replay.Login.Requests())))
//	Expect(res).To(HaveFailuresExplainedBy("cross-datacenter"))
//	Expect(res).To(HaveReissuedCookie("lbs"))
package matchers

import (
	"fmt"
	"slices"

	"github.com/onsi/gomega/types"

	"github.com/stickylab/stickylab/lab/diagnose"
	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/stats"
)

// verdict is what a check found: whether it matched, why (in words), and
// the Index of a run that shows the problem (-1 for none).
type verdict struct {
	ok       bool
	why      string
	offender int
}

// resultMatcher runs check on a *replay.Result and explains itself.
type resultMatcher struct {
	desc  string // "to all succeed"
	check func(*replay.Result) verdict
	res   *replay.Result
	v     verdict
	err   error // a bad option, reported by Match
}

var _ types.GomegaMatcher = (*resultMatcher)(nil)

func (m *resultMatcher) Match(actual any) (bool, error) {
	if m.err != nil {
		return false, m.err
	}
	switch r := actual.(type) {
	case *replay.Result:
		if r == nil {
			return false, fmt.Errorf("expected a *replay.Result, got nil")
		}
		m.res = r
	case replay.Result:
		m.res = &r
	default:
		return false, fmt.Errorf("expected a *replay.Result, got %T", actual)
	}
	m.v = m.check(m.res)
	return m.v.ok, nil
}

func (m *resultMatcher) FailureMessage(any) string {
	return fmt.Sprintf("Expected the %s replay %s, but %s\n\n%s", m.res.Flow, m.desc, m.v.why, IncidentReport(m.res, m.v.offender))
}

func (m *resultMatcher) NegatedFailureMessage(any) string {
	return fmt.Sprintf("Expected the %s replay not %s, but %s\n\n%s", m.res.Flow, m.desc, m.v.why, IncidentReport(m.res, m.v.offender))
}

func newMatcher(desc string, check func(*replay.Result) verdict) types.GomegaMatcher {
	return &resultMatcher{desc: desc, check: check}
}

func firstFailed(res *replay.Result, bad func(replay.Run) bool) int {
	for _, run := range res.Runs {
		if !run.OK && bad(run) {
			return run.Index
		}
	}
	return -1
}

func firstOK(res *replay.Result) int {
	for _, run := range res.Runs {
		if run.OK {
			return run.Index
		}
	}
	return -1
}

func anyRun(replay.Run) bool { return true }

// AllSucceed passes when there were runs and none failed.
func AllSucceed() types.GomegaMatcher {
	return newMatcher("to all succeed", func(res *replay.Result) verdict {
		s := res.Summary()
		switch {
		case s.Runs == 0:
			return verdict{why: "no run was recorded.", offender: -1}
		case s.Failures > 0:
			return verdict{why: fmt.Sprintf("%d of %d runs failed (%s).", s.Failures, s.Runs, diagnose.Pct(s.FailureRate)), offender: firstFailed(res, anyRun)}
		}
		return verdict{ok: true, why: fmt.Sprintf("all %d runs succeeded.", s.Runs), offender: firstOK(res)}
	})
}

// FailIntermittently passes when some runs fail and some succeed, each side
// significant: the 95 % Wilson interval of the failure rate excludes 0 and 1.
func FailIntermittently() types.GomegaMatcher {
	return newMatcher("to fail intermittently (95 % CI of the failure rate excluding 0 and 1)", func(res *replay.Result) verdict {
		s := res.Summary()
		ci := diagnose.CI(s.CILow, s.CIHigh)
		v := verdict{why: fmt.Sprintf("%d of %d runs failed (%s, 95 %% CI %s).", s.Failures, s.Runs, diagnose.Pct(s.FailureRate), ci), offender: firstFailed(res, anyRun)}
		v.ok = s.Runs > 0 && s.CILow > 0 && s.CIHigh < 1
		if v.offender < 0 {
			v.offender = firstOK(res)
		}
		return v
	})
}

// HaveFailureRate applies matcher to the measured (point) failure rate,
// e.g. HaveFailureRate(BeNumerically("<", 0.01)). For a statistical claim
// use HaveFailureRateBelow.
func HaveFailureRate(matcher types.GomegaMatcher) types.GomegaMatcher {
	return newMatcher("to have a failure rate that matches", func(res *replay.Result) verdict {
		s := res.Summary()
		ok, err := matcher.Match(s.FailureRate)
		v := verdict{ok: ok && err == nil, offender: firstFailed(res, anyRun)}
		switch {
		case err != nil:
			v.why = "the rate matcher failed: " + err.Error()
		case ok:
			v.why = matcher.NegatedFailureMessage(s.FailureRate)
		default:
			v.why = matcher.FailureMessage(s.FailureRate)
		}
		v.why = fmt.Sprintf("the failure rate is %v (%d of %d):\n%s", s.FailureRate, s.Failures, s.Runs, v.why)
		return v
	})
}

// HaveFailureRateBelow passes when, with 95 % confidence, fewer than p of
// the runs fail: the exact one-sided upper bound stats.UpperBound is at most
// p. It is the definition stats.RunsToDetect uses, so RunsToDetect(p, 0.95)
// clean runs are exactly enough.
func HaveFailureRateBelow(p float64) types.GomegaMatcher {
	return HaveFailureRateBelowAt(p, 0.95)
}

// HaveFailureRateBelowAt is HaveFailureRateBelow at another confidence.
func HaveFailureRateBelowAt(p, confidence float64) types.GomegaMatcher {
	level := diagnose.Level(confidence)
	return newMatcher(fmt.Sprintf("to have a failure rate below %s with %s confidence", diagnose.Pct(p), level), func(res *replay.Result) verdict {
		s := res.Summary()
		bound := stats.UpperBound(s.Failures, s.Runs, confidence)
		v := verdict{ok: s.Runs > 0 && bound <= p, offender: firstFailed(res, anyRun)}
		v.why = fmt.Sprintf("%d of %d runs failed and the one-sided %s upper bound is %s.", s.Failures, s.Runs, level, diagnose.Pct(bound))
		if s.Failures == 0 && !v.ok {
			v.why += fmt.Sprintf(" No run failed, but %d runs are too few to claim that; %d would do.", s.Runs, stats.RunsToDetect(p, confidence))
		}
		return v
	})
}

// HaveFailureRateNear passes when the model's rate lies inside the 95 %
// Wilson interval of the measured rate. It fails, saying why, when the
// model does not apply.
func HaveFailureRateNear(model stats.Model) types.GomegaMatcher {
	return HaveFailureRateNearAt(model, 0.95)
}

// HaveFailureRateNearAt is HaveFailureRateNear at another confidence. Suites
// that make many such claims per run use 0.999, so that a correct model
// fails a run of the suite once in a thousand per claim, not once in twenty.
func HaveFailureRateNearAt(model stats.Model, confidence float64) types.GomegaMatcher {
	desc := "to have a failure rate near the model's"
	if model.Applies {
		desc = fmt.Sprintf("to have a failure rate near the model's %s (%s)", diagnose.Pct(model.FailureRate), model.Formula)
	}
	return newMatcher(desc, func(res *replay.Result) verdict {
		s := res.Summary()
		if !model.Applies {
			return verdict{why: "the model does not apply: " + model.Why + ".", offender: firstFailed(res, anyRun)}
		}
		lo, hi := stats.Wilson(s.Failures, s.Runs, confidence)
		ok := s.Runs > 0 && model.Inside(lo, hi)
		inside := "outside"
		if ok {
			inside = "inside"
		}
		return verdict{ok: ok, offender: firstFailed(res, anyRun),
			why: fmt.Sprintf("the measured rate is %s (%d of %d, %g %% CI %s) and the model's %s is %s it.",
				diagnose.Pct(s.FailureRate), s.Failures, s.Runs, 100*confidence, diagnose.CI(lo, hi), diagnose.Pct(model.FailureRate), inside)}
	})
}

// HaveCrossedDatacenters passes when at least one run failed and every
// failed run crossed datacenters mid-flow.
func HaveCrossedDatacenters() types.GomegaMatcher {
	return newMatcher("to have every failed run cross datacenters", func(res *replay.Result) verdict {
		s := res.Summary()
		if s.Failures == 0 {
			return verdict{why: fmt.Sprintf("no run failed (%d runs).", s.Runs), offender: -1}
		}
		return verdict{ok: s.CrossedFailed == s.Failures, offender: firstFailed(res, func(r replay.Run) bool { return !r.Crossed }),
			why: fmt.Sprintf("%d of %d failed runs crossed datacenters (and %d successful runs).", s.CrossedFailed, s.Failures, s.CrossedOK)}
	})
}

// HaveReissuedCookie passes when at least one run failed and every failed
// run had the cookie name re-issued mid-flow (set with a new value while the
// client held another).
func HaveReissuedCookie(name string) types.GomegaMatcher {
	return newMatcher(fmt.Sprintf("to have cookie %s re-issued in every failed run", name), func(res *replay.Result) verdict {
		failed, with := 0, 0
		seen := map[string]int{}
		for _, run := range res.Runs {
			if run.OK {
				continue
			}
			failed++
			if slices.Contains(run.Reissued, name) {
				with++
			}
			for _, c := range run.Reissued {
				seen[c]++
			}
		}
		if failed == 0 {
			return verdict{why: fmt.Sprintf("no run failed (%d runs).", len(res.Runs)), offender: -1}
		}
		return verdict{ok: with == failed, offender: firstFailed(res, func(r replay.Run) bool { return !slices.Contains(r.Reissued, name) }),
			why: fmt.Sprintf("%d of %d failed runs had %s re-issued; cookies re-issued in failed runs: %v.", with, failed, name, seen)}
	})
}
