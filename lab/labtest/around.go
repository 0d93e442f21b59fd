package labtest

import (
	"context"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/stickylab/stickylab/lab"
	"github.com/stickylab/stickylab/lab/replay"
)

// Around sizes the three waves of ReplayAround. Each is a number of runs;
// zero leaves that wave out.
type Around struct {
	// Before runs complete before the fault starts.
	Before int
	// Straddling runs start together; each has its sign-in POST answered and
	// is then held, before its next request, until the fault has returned.
	Straddling int
	// After runs are launched only once the fault has returned.
	After int
}

// Phases are the runs of ReplayAround, one result per wave. Run indexes
// are unique across the waves and equal those in All.
type Phases struct {
	All                       *replay.Result // every run, for the diagnosis
	Before, Straddling, After *replay.Result
	FaultStart, FaultEnd      time.Time
}

// SignInStep is the login POST of the shipped flows: the Straddling wave is
// held right after it.
const SignInStep = "sign-in"

// ReplayAround replays flow in three waves around fault, each of the size w
// gives, so that every phase exists by construction whatever the engine's
// speed: the Before wave has ended when fault is called; the Straddling
// wave has done its sign-in POST and waits for its next request while
// fault runs; the After wave starts once fault has returned (the lab's
// faults return once they have taken effect). A run belongs to the phase of
// its wave, never to one guessed from timestamps.
//
// ReplayAround sets WithHold and WithProgress on the Straddling wave: opts
// must not rely on their own.
func ReplayAround(ctx SpecContext, l *lab.Lab, flow replay.Flow, w Around, fault func(), opts ...replay.Option) Phases {
	GinkgoHelper()
	Expect(w.validate(flow)).To(Succeed(), "ReplayAround %s", flow.Name)
	var p Phases
	p.Before = wave(ctx, l, flow, w.Before, Concurrency, opts...)

	g := newGate(w.Straddling)
	defer g.release() // a failing fault must not leave runs held until ctx ends
	mid := goWave(ctx, l, flow, w.Straddling, max(w.Straddling, 1), append(opts, g.options()...)...)
	select {
	case <-g.full:
	case <-ctx.Done():
		Fail(fmt.Sprintf("the spec ended before the %d runs of the mid-flow wave signed in: %v", w.Straddling, context.Cause(ctx)))
	}
	p.FaultStart = time.Now()
	fault()
	p.FaultEnd = time.Now()
	g.release()

	after := goWave(ctx, l, flow, w.After, Concurrency, opts...)
	p.Straddling, p.After = (<-mid).get(), (<-after).get()
	Expect(g.notHeld(p.Straddling)).To(BeEmpty(), "runs of the mid-flow wave that ended before their %s step was answered", SignInStep)

	offset(p.Straddling, w.Before)
	offset(p.After, w.Before+w.Straddling)
	p.All = merge(p.Before, p.Straddling, p.After)
	record(p.All, nil) // pre-fault and post-fault runs mixed: no single model
	GinkgoWriter.Printf("around the fault (%s): %d runs before, %d held mid-flow, %d after\n",
		p.FaultEnd.Sub(p.FaultStart).Round(time.Millisecond), len(p.Before.Runs), len(p.Straddling.Runs), len(p.After.Runs))
	return p
}

func (w Around) validate(flow replay.Flow) error {
	if w.Before < 0 || w.Straddling < 0 || w.After < 0 || w.Before+w.Straddling+w.After == 0 {
		return fmt.Errorf("wave sizes must be ≥ 0 and not all 0, got %+v", w)
	}
	for i, s := range flow.Steps {
		if s.Name == SignInStep {
			if i == len(flow.Steps)-1 {
				return fmt.Errorf("flow %s ends with its %s step: no run can be caught after it", flow.Name, SignInStep)
			}
			return nil
		}
	}
	return fmt.Errorf("flow %s has no %s step to hold the mid-flow wave after", flow.Name, SignInStep)
}

// wave replays n runs (none when n is 0) and returns once they have ended.
func wave(ctx SpecContext, l *lab.Lab, flow replay.Flow, n, concurrency int, opts ...replay.Option) *replay.Result {
	GinkgoHelper()
	return (<-goWave(ctx, l, flow, n, concurrency, opts...)).get()
}

type outcome struct {
	res  *replay.Result
	err  error
	what string
}

func (o outcome) get() *replay.Result {
	GinkgoHelper()
	Expect(o.err).NotTo(HaveOccurred(), o.what)
	return o.res
}

// goWave starts a wave of n runs; its outcome arrives on the channel.
func goWave(ctx SpecContext, l *lab.Lab, flow replay.Flow, n, concurrency int, opts ...replay.Option) <-chan outcome {
	done := make(chan outcome, 1)
	what := fmt.Sprintf("replay %s ×%d", flow.Name, n)
	if n == 0 {
		done <- outcome{res: &replay.Result{Flow: flow.Name, Requests: flow.Requests(), Started: time.Now()}, what: what}
		return done
	}
	go func() {
		res, err := l.Replay(ctx, flow, n, concurrency, opts...)
		done <- outcome{res, err, what}
	}()
	return done
}

// offset shifts a wave's run indexes past the waves before it.
func offset(res *replay.Result, by int) {
	for i := range res.Runs {
		res.Runs[i].Index += by
	}
}

func merge(waves ...*replay.Result) *replay.Result {
	all := *waves[0]
	all.Runs = nil
	for _, w := range waves {
		all.Runs = append(all.Runs, w.Runs...)
		all.Concurrency = max(all.Concurrency, w.Concurrency)
		if all.BaseURL == "" {
			all.BaseURL = w.BaseURL
		}
	}
	all.Elapsed = time.Since(all.Started)
	return &all
}
