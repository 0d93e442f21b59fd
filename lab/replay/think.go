package replay

import (
	"context"
	"slices"
	"time"
)

// WithThinkTime makes the runs for which who(run) holds pause d after
// step, as a user reading the page does before going on: whatever
// stickiness lasts less than d (a cookie's max_idle, a DNS answer's TTL) is
// gone when they continue. The pause ends early when the replay's context
// does. It is a WithHold; the two do not combine.
func WithThinkTime(step string, d time.Duration, who func(run int) bool) Option {
	return WithHold(func(ctx context.Context, run int, s string) {
		if s != step || !who(run) {
			return
		}
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
		}
	})
}

// Where is a copy of r with only the runs keep accepts, for claims about
// one group of users (those who paused, those of one location).
func (r *Result) Where(keep func(Run) bool) *Result {
	out := *r
	out.Runs = nil
	for _, run := range r.Runs {
		if keep(run) {
			out.Runs = append(out.Runs, run)
		}
	}
	return &out
}

// EvenRuns selects every other run: half the users, spread over the replay.
func EvenRuns(run int) bool { return run%2 == 0 }

// WithPauses makes run pause d after each step that steps(run) names: a
// longer session, in more sittings, for the runs it chooses.
func WithPauses(d time.Duration, steps func(run int) []string) Option {
	return WithHold(func(ctx context.Context, run int, s string) {
		if !slices.Contains(steps(run), s) {
			return
		}
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
		}
	})
}
