package lab

import (
	"context"
	"fmt"
	"time"
)

// Budgets for readiness: a poll interval short enough that a local lab comes
// up in milliseconds, and how long Up and a fault may take when ctx sets no
// deadline. A ctx with a deadline (a spec's timeout) is the only bound: how
// fast an engine is must not decide whether a fault "took effect".
const (
	pollInterval = 20 * time.Millisecond
	upTimeout    = 30 * time.Second
	faultTimeout = 10 * time.Second
)

// condition reports what is still not so ("edge still reports it healthy"),
// or "" once it is.
type condition func(ctx context.Context) string

// waitFor polls cond until it holds, ctx ends or, when ctx has no deadline,
// limit passes. The error says what was still not so and for how long it was
// waited for.
func waitFor(ctx context.Context, limit time.Duration, cond condition) error {
	wctx, cancel := ctx, context.CancelFunc(func() {})
	if _, ok := ctx.Deadline(); !ok {
		wctx, cancel = context.WithTimeout(ctx, limit)
	}
	defer cancel()
	began := time.Now()
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	var last string
	for {
		notYet := cond(wctx)
		if notYet == "" {
			return nil
		}
		if wctx.Err() == nil || last == "" {
			last = notYet // an answer cut by the deadline says nothing new
		}
		select {
		case <-wctx.Done():
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("%s after %s: %w", last, time.Since(began).Round(time.Millisecond), err)
			}
			return fmt.Errorf("%s after %s", last, limit)
		case <-tick.C:
		}
	}
}
