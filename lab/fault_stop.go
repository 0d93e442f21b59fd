package lab

import (
	"context"

	"github.com/stickylab/stickylab/lab/internal/plan"
)

func init() {
	register(Fault{
		Name: "stop", Target: TargetDatacenter,
		Does: "Stops the datacenter's load balancer and app instances, as a power cut would: " +
			"in-memory sessions are lost. Returns once the edge reports the datacenter unhealthy.",
		Interrupt: "Some of its nodes may be stopped already, and the lab counts it stopped; `start` undoes it.",
		apply:     func(ctx context.Context, l *Lab, dc string, _ Args) error { return l.StopDatacenter(ctx, dc) },
	})
}

// StopDatacenter stops a datacenter's LB and instances (their in-memory
// sessions are lost) and returns once the edge reports it unhealthy.
func (l *Lab) StopDatacenter(ctx context.Context, dc string) error {
	return l.datacenterFault(ctx, "stop datacenter", dc, func(dep plan.Deployment, nodes []plan.Node) error {
		l.setStopped(dc, true)
		return parallel(nodes, func(n plan.Node) error { return dep.Stop(ctx, n.Name) })
	}, false)
}
