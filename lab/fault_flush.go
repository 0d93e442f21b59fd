package lab

import (
	"context"
	"fmt"

	"github.com/stickylab/stickylab/lab/internal/admin"
)

func init() {
	register(Fault{
		Name: "flush", Target: TargetInstance,
		Does:      "Drops every session of one app instance without stopping it (DELETE /admin/sessions). At once.",
		Interrupt: "One admin call: either it flushed or it did not.",
		apply:     func(ctx context.Context, l *Lab, inst string, _ Args) error { return l.FlushSessions(ctx, inst) },
	})
}

// FlushSessions drops every session of an app instance, as an app pool
// recycle would, without stopping it.
func (l *Lab) FlushSessions(ctx context.Context, instance string) error {
	u, err := l.instanceAdmin(instance)
	if err == nil {
		_, err = admin.FlushSessions(ctx, u)
	}
	if err != nil {
		return fmt.Errorf("flush sessions of %s: %w", instance, err)
	}
	return nil
}
