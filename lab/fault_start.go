package lab

import (
	"context"

	"github.com/stickylab/stickylab/lab/internal/plan"
)

func init() {
	register(Fault{
		Name: "start", Target: TargetNode,
		Does: "Starts a stopped datacenter (its load balancer restores its saved configuration) or a killed instance (with no sessions). " +
			"Returns once its load balancer reports every instance healthy and, unless it is partitioned, the edge the datacenter.",
		Interrupt: "Some nodes may run already; `start` again finishes it (starting what runs is a no-op).",
		apply: func(ctx context.Context, l *Lab, target string, _ Args) error {
			if _, err := l.instance(target); err == nil {
				return l.StartInstance(ctx, target)
			}
			return l.StartDatacenter(ctx, target)
		},
	})
}

// StartDatacenter starts a stopped datacenter again and returns once the
// edge reports it healthy (unless it is partitioned) and its LB reports
// every instance healthy.
func (l *Lab) StartDatacenter(ctx context.Context, dc string) error {
	return l.datacenterFault(ctx, "start datacenter", dc, func(dep plan.Deployment, nodes []plan.Node) error {
		if err := parallel(nodes, func(n plan.Node) error { return dep.Start(ctx, n.Name) }); err != nil {
			return err
		}
		l.setStopped(dc, false)
		return nil
	}, true)
}

// StartInstance starts a stopped app instance and returns once its
// datacenter's LB reports it healthy and, unless the datacenter is
// partitioned, the edge reports the datacenter healthy (it was not when this
// was its last instance).
func (l *Lab) StartInstance(ctx context.Context, instance string) error {
	return l.instanceFault(ctx, "start instance", instance, plan.Deployment.Start, true)
}
