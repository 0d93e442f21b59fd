package labtest

import (
	"time"

	"github.com/stickylab/stickylab/lab/replay"
)

// meanGap is the average time between consecutive requests of a run, over
// every run of res: the pace the DNS-steering model needs
// (stats.ExpectedPaced).
func meanGap(res *replay.Result) time.Duration {
	var total time.Duration
	gaps := 0
	for _, run := range res.Runs {
		if n := len(run.Hops); n > 1 {
			total += run.Duration
			gaps += n - 1
		}
	}
	if gaps == 0 {
		return 0
	}
	return total / time.Duration(gaps)
}

// writeGaps are, for every run that got past its sign-in POST (the request
// that writes the session), the time from sending it to the run's next
// request: the gap g of the replicated-store model
// (stats.ExpectedReplicated). The write happens while the POST is answered,
// so a run held until its session replicated never counts as early.
func writeGaps(res *replay.Result) []time.Duration {
	var gaps []time.Duration
	for _, run := range res.Runs {
		for i, h := range run.Hops[:max(len(run.Hops)-1, 0)] {
			if h.Step == SignInStep && run.Hops[i+1].Step != SignInStep {
				gaps = append(gaps, run.Hops[i+1].Start.Sub(h.Start))
				break
			}
		}
	}
	return gaps
}
