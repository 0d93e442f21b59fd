package lab

import (
	"context"
	"fmt"
)

func init() {
	register(Fault{
		Name: "restart", Target: TargetInstance,
		Does: "Kills and starts one app instance, as an app pool recycle with in-process sessions: users it had logged in are sent back to /login. " +
			"Returns once it is healthy again.",
		Interrupt: "The instance may be left stopped; `start` undoes it.",
		apply:     func(ctx context.Context, l *Lab, inst string, _ Args) error { return l.RestartInstance(ctx, inst) },
	})
}

// RestartInstance kills and starts an app instance: its in-memory sessions
// are lost, so users it had logged in are sent back to /login.
func (l *Lab) RestartInstance(ctx context.Context, instance string) error {
	if err := l.KillInstance(ctx, instance); err != nil {
		return fmt.Errorf("restart: %w", err)
	}
	if err := l.StartInstance(ctx, instance); err != nil {
		return fmt.Errorf("restart: %w", err)
	}
	return nil
}
