package lab

import (
	"context"
	"fmt"

	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/stats"
)

// Replayer returns a replay client aimed at the edge and trusting the lab's
// CA; opts come after the lab's, so they may override them.
func (l *Lab) Replayer(opts ...replay.Option) (*replay.Replayer, error) {
	var base []replay.Option
	if pool := l.CAPool(); pool != nil {
		base = append(base, replay.WithCAPool(pool))
	}
	r, err := replay.New(l.EdgeURL(), append(base, opts...)...)
	if err != nil {
		return nil, fmt.Errorf("lab %s: replay client: %w", l.RunID(), err)
	}
	return r, nil
}

// Replay runs n journeys of flow through the edge, concurrency at a time.
func (l *Lab) Replay(ctx context.Context, flow replay.Flow, n, concurrency int, opts ...replay.Option) (*replay.Result, error) {
	r, err := l.Replayer(opts...)
	if err != nil {
		return nil, err
	}
	return r.Replay(ctx, flow, n, concurrency)
}

// ReplayUntil runs journeys of flow through the edge until rule decides.
func (l *Lab) ReplayUntil(ctx context.Context, flow replay.Flow, rule stats.StopRule, opts ...replay.Option) (*replay.Result, error) {
	r, err := l.Replayer(opts...)
	if err != nil {
		return nil, err
	}
	return r.ReplayUntil(ctx, flow, rule)
}
