package labtest

import (
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
	Before, Straddling, After *replay.Result
	FaultStart, FaultEnd      time.Time
}

// ReplayAround replays n runs of flow with many users in flight and, once a
// third of the runs have signed in, runs fault in the middle of the traffic.
// The fault fires right after a wave of sign-ins, so that many runs are
// caught between their login POST and the next request.
func ReplayAround(ctx SpecContext, l *lab.Lab, flow replay.Flow, n int, fault func(), opts ...replay.Option) Phases {
	GinkgoHelper()
	trigger := make(chan struct{})
	var signedIn atomic.Int64
	threshold := int64(n / 3)
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
		Fail("the replay ended before a third of its runs signed in: " + errText(o.err))
	}
	o := <-done
	Expect(o.err).NotTo(HaveOccurred(), "replay around a fault")
	record(l, flow, o.res)
	p.Before, p.Straddling, p.After = split(o.res, p.FaultStart, p.FaultEnd)
	GinkgoWriter.Printf("around the fault: %d runs before, %d in flight, %d after\n",
		len(p.Before.Runs), len(p.Straddling.Runs), len(p.After.Runs))
	return p
}

// SignInStep is the login POST of the shipped flows.
const SignInStep = "sign-in"

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
