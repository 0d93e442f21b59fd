package lab

import (
	"context"

	"github.com/stickylab/stickylab/lab/internal/plan"
)

func init() {
	register(Fault{
		Name: "kill", Target: TargetInstance,
		Does:      "Stops one app instance: its in-memory sessions are lost. Returns once its load balancer reports it unhealthy.",
		Interrupt: "The instance may be stopped already; `start` undoes it.",
		apply:     func(ctx context.Context, l *Lab, inst string, _ Args) error { return l.KillInstance(ctx, inst) },
	})
}

// KillInstance stops an app instance (its in-memory sessions are lost) and
// returns once its datacenter's LB reports it unhealthy.
func (l *Lab) KillInstance(ctx context.Context, instance string) error {
	return l.instanceFault(ctx, "kill instance", instance, plan.Deployment.Stop, false)
}
