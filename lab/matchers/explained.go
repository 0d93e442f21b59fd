package matchers

import (
	"fmt"
	"slices"
	"strings"

	"github.com/onsi/gomega/types"

	"github.com/stickylab/stickylab/lab/diagnose"
	"github.com/stickylab/stickylab/lab/replay"
)

// kinds are the diagnose kinds HaveFailuresExplainedBy accepts.
var kinds = []diagnose.Kind{diagnose.CrossDatacenter, diagnose.Failover, diagnose.InstanceRestart,
	diagnose.KeyRotation, diagnose.SessionLost, diagnose.ReplicationLag, diagnose.Healthy, diagnose.Other}

// ExplainedOption relaxes HaveFailuresExplainedBy.
type ExplainedOption func(*explained) error

type explained struct{ atLeast float64 }

// AtLeast accepts a replay in which at least fraction (in (0, 1]) of the
// failed runs fit the cause, for stories whose failures have mixed causes
// on purpose. Say why beside the call.
func AtLeast(fraction float64) ExplainedOption {
	return func(e *explained) error {
		if !(fraction > 0 && fraction <= 1) {
			return fmt.Errorf("HaveFailuresExplainedBy: AtLeast(%g): the fraction must be in (0, 1]", fraction)
		}
		e.atLeast = fraction
		return nil
	}
}

// HaveFailuresExplainedBy takes either a diagnosis kind or a failure class,
// and passes when at least one run failed and every failed run fits it (or
// the fraction AtLeast asks for). A kind ("cross-datacenter", "failover",
// "key-rotation", ...) is what diagnose.Diagnose says explains each run;
// "healthy" passes when no run failed. A failure class
// ("antiforgery-undecryptable", "session-missing", ...) is the class each
// failed run recorded. On failure it lists the runs that do not fit and
// prints the first of them hop by hop.
func HaveFailuresExplainedBy(cause string, opts ...ExplainedOption) types.GomegaMatcher {
	e := explained{atLeast: 1}
	var optErr error
	for _, opt := range opts {
		if err := opt(&e); err != nil && optErr == nil {
			optErr = err
		}
	}
	share := "every failed run"
	if e.atLeast < 1 {
		share = fmt.Sprintf("at least %s of the failed runs", diagnose.Pct(e.atLeast))
	}
	kind := slices.Contains(kinds, diagnose.Kind(cause))
	desc := fmt.Sprintf("to have %s explained by %s", share, cause)
	if !kind {
		desc = fmt.Sprintf("to have %s of class %s", share, cause)
	}
	m := newMatcher(desc, func(res *replay.Result) verdict {
		if kind && cause == string(diagnose.Healthy) {
			s := res.Summary()
			return verdict{ok: s.Runs > 0 && s.Failures == 0, offender: firstFailed(res, anyRun),
				why: fmt.Sprintf("%d of %d runs failed.", s.Failures, s.Runs)}
		}
		labels := classLabels(res)
		if kind {
			labels = kindLabels(res)
		}
		return explainedVerdict(res, cause, labels, e.atLeast)
	}).(*resultMatcher)
	m.err = optErr
	return m
}

// kindLabels names the diagnosis kind of every failed run, by Index.
func kindLabels(res *replay.Result) map[int]string {
	out := map[int]string{}
	for k, idx := range diagnose.Diagnose(res).ByKind {
		for _, i := range idx {
			out[i] = string(k)
		}
	}
	return out
}

// classLabels names the failure class of every failed run, by Index.
func classLabels(res *replay.Result) map[int]string {
	out := map[int]string{}
	for _, run := range res.Runs {
		if !run.OK {
			out[run.Index] = run.Failure
		}
	}
	return out
}

// maxListed bounds the unexplained runs a failure message names one by one.
const maxListed = 20

func explainedVerdict(res *replay.Result, cause string, labels map[int]string, atLeast float64) verdict {
	failed := 0
	var odd []replay.Run
	for _, run := range res.Runs {
		if run.OK {
			continue
		}
		failed++
		if labels[run.Index] != cause {
			odd = append(odd, run)
		}
	}
	if failed == 0 {
		return verdict{why: fmt.Sprintf("no run failed (%d runs), so no failure is explained.", len(res.Runs)), offender: -1}
	}
	fits := failed - len(odd)
	v := verdict{ok: float64(fits) >= atLeast*float64(failed)-1e-9, offender: -1}
	v.why = fmt.Sprintf("%d of %d failed runs are explained by %s.", fits, failed, cause)
	if len(odd) == 0 {
		v.offender = firstFailed(res, anyRun)
		return v
	}
	v.offender = odd[0].Index
	var b strings.Builder
	fmt.Fprintf(&b, " Not explained (%d):", len(odd))
	for i, run := range odd {
		if i == maxListed {
			fmt.Fprintf(&b, " and %d more", len(odd)-maxListed)
			break
		}
		label := labels[run.Index]
		if label == "" {
			label = "unclassified"
		}
		fmt.Fprintf(&b, "\n  run %d: %s (%s at step %s; datacenters %s)", run.Index, label, orNone(run.Failure), orNone(run.FailedStep), orNone(strings.Join(run.Datacenters, " → ")))
	}
	v.why += b.String() + "\nThe first of them, hop by hop, follows."
	return v
}
