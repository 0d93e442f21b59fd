package labtest

import (
	"fmt"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/stickylab/stickylab/lab"
	"github.com/stickylab/stickylab/lab/replay"
)

// Phases splits a replay around a fault: the runs that ended before it
// began, those in flight while it happened, and those that started after it
// had taken effect.
type Phases struct {
	All                       *replay.Result // every run, for the diagnosis
	Before, Straddling, After *replay.Result
	FaultStart, FaultEnd      time.Time
}

// ReplayAround replays n runs of flow with MidFlowConcurrency users in
// flight and runs fault in the middle of the traffic, right after the
// afterSignIns-th login POST has been answered: the runs of that wave are
// then caught between their login POST and their next request.
// AfterFirstWave puts every run of the first wave there.
func ReplayAround(ctx SpecContext, l *lab.Lab, flow replay.Flow, n, afterSignIns int, fault func(), opts ...replay.Option) Phases {
	GinkgoHelper()
	Expect(afterSignIns).To(BeNumerically("<", n), "the fault must come before the last sign-in")
	trigger := make(chan struct{})
	var signedIn atomic.Int64
	threshold := int64(afterSignIns)
	opts = append(opts, replay.WithStepDone(func(_ int, step string) {
		if step == SignInStep && signedIn.Add(1) == threshold {
			close(trigger)
		}
	}))

	type outcome struct {
		res *replay.Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		defer GinkgoRecover()
		res, err := l.Replay(ctx, flow, n, MidFlowConcurrency, opts...)
		done <- outcome{res, err}
	}()

	var p Phases
	select {
	case <-trigger:
		p.FaultStart = time.Now()
		fault()
		p.FaultEnd = time.Now()
	case o := <-done:
		Fail(fmt.Sprintf("the replay ended before %d of its runs signed in: %s", afterSignIns, errText(o.err)))
	}
	o := <-done
	Expect(o.err).NotTo(HaveOccurred(), "replay around a fault")
	record(o.res, nil) // pre-fault and post-fault runs mixed: no single model
	p.All = o.res
	p.Before, p.Straddling, p.After = split(o.res, p.FaultStart, p.FaultEnd)
	GinkgoWriter.Printf("around the fault: %d runs before, %d in flight, %d after\n",
		len(p.Before.Runs), len(p.Straddling.Runs), len(p.After.Runs))
	return p
}

// SignInStep is the login POST of the shipped flows.
const SignInStep = "sign-in"

// AfterFirstWave fires a fault once the first MidFlowConcurrency runs — which
// start together and so move in step — have all had their login POST
// answered: every one of them is then between sign-in and its next request.
const AfterFirstWave = MidFlowConcurrency

func split(res *replay.Result, start, end time.Time) (before, straddling, after *replay.Result) {
	part := func() *replay.Result {
		r := *res
		r.Runs = nil
		return &r
	}
	before, straddling, after = part(), part(), part()
	for _, run := range res.Runs {
		switch {
		case run.Start.Add(run.Duration).Before(start):
			before.Runs = append(before.Runs, run)
		case run.Start.After(end):
			after.Runs = append(after.Runs, run)
		default:
			straddling.Runs = append(straddling.Runs, run)
		}
	}
	return before, straddling, after
}

func errText(err error) string {
	if err == nil {
		return "no error"
	}
	return err.Error()
}
