package stats

import (
	"fmt"
	"math"
)

// Decision is what a StopRule concluded about the failure rate.
type Decision string

// Decisions of a stop rule.
const (
	Above     Decision = "above"     // the failure rate is at least p1
	Below     Decision = "below"     // the failure rate is at most p0
	Undecided Decision = "undecided" // the cap or the deadline came first
)

// StopRule says when ReplayUntil may stop. Build it with SPRT or MaxRuns.
type StopRule struct {
	P0, P1      float64 // SPRT hypotheses: rate <= P0 against rate >= P1
	Alpha, Beta float64 // SPRT error rates: wrongly "above", wrongly "below"
	Max         int     // hard cap on runs; 0 = no cap (SPRT only)
	sequential  bool
}

// SPRT is Wald's sequential probability ratio test: stop as soon as it is
// clear that the failure rate is above p1 (decision Above) or below p0
// (Below), with error rates alpha (saying Above when the rate is p0) and beta
// (saying Below when it is p1); stop Undecided after maxRuns (0 = no cap).
func SPRT(p0, p1, alpha, beta float64, maxRuns int) StopRule {
	return StopRule{P0: p0, P1: p1, Alpha: alpha, Beta: beta, Max: maxRuns, sequential: true}
}

// MaxRuns stops after n runs, Undecided: a fixed-size replay through ReplayUntil.
func MaxRuns(n int) StopRule { return StopRule{Max: n} }

// Validate reports a rule that cannot work, naming the value.
func (r StopRule) Validate() error {
	if !r.sequential {
		if r.Max <= 0 {
			return fmt.Errorf("stop rule: max runs must be > 0, got %d", r.Max)
		}
		return nil
	}
	switch {
	case !(r.P0 > 0 && r.P0 < 1):
		return fmt.Errorf("SPRT: p0 must be in (0, 1), got %g", r.P0)
	case !(r.P1 > r.P0 && r.P1 < 1):
		return fmt.Errorf("SPRT: p1 must be in (p0=%g, 1), got %g", r.P0, r.P1)
	case !(r.Alpha > 0 && r.Alpha < 0.5):
		return fmt.Errorf("SPRT: alpha must be in (0, 0.5), got %g", r.Alpha)
	case !(r.Beta > 0 && r.Beta < 0.5):
		return fmt.Errorf("SPRT: beta must be in (0, 0.5), got %g", r.Beta)
	case r.Max < 0:
		return fmt.Errorf("SPRT: max runs must be >= 0, got %d", r.Max)
	}
	return nil
}

// Check looks at failures out of runs so far and says whether to stop, and
// with which decision. It is a pure function of the counts.
func (r StopRule) Check(failures, runs int) (Decision, bool) {
	if r.sequential && runs > 0 {
		llr := float64(failures)*math.Log(r.P1/r.P0) +
			float64(runs-failures)*math.Log((1-r.P1)/(1-r.P0))
		if llr >= math.Log((1-r.Beta)/r.Alpha) {
			return Above, true
		}
		if llr <= math.Log(r.Beta/(1-r.Alpha)) {
			return Below, true
		}
	}
	if r.Max > 0 && runs >= r.Max {
		return Undecided, true
	}
	return Undecided, false
}

// String describes the rule for reports.
func (r StopRule) String() string {
	if !r.sequential {
		return fmt.Sprintf("%d runs", r.Max)
	}
	s := fmt.Sprintf("SPRT p0=%g p1=%g alpha=%g beta=%g", r.P0, r.P1, r.Alpha, r.Beta)
	if r.Max > 0 {
		s += fmt.Sprintf(" max=%d", r.Max)
	}
	return s
}
