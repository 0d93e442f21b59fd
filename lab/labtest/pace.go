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
