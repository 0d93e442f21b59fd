package lab

import (
	"context"

	"github.com/stickylab/stickylab/lab/internal/plan"
)

func init() {
	register(Fault{
		Name: "partition", Target: TargetDatacenter,
		Does: "Cuts the datacenter off the edge, which keeps it running. Its WAN link (a Toxiproxy proxy) is disabled: " +
			"connections through it are closed and new ones refused. Returns once the edge reports it unhealthy.",
		Interrupt: "The link may be disabled already, and the lab counts it partitioned; `heal` undoes it.",
		apply:     func(ctx context.Context, l *Lab, dc string, _ Args) error { return l.PartitionDatacenter(ctx, dc) },
	})
}

// PartitionDatacenter disables the edge's WAN link to a datacenter, so the
// edge cannot reach it, and returns once the edge reports it unhealthy.
func (l *Lab) PartitionDatacenter(ctx context.Context, dc string) error {
	return l.datacenterFault(ctx, "partition datacenter", dc, func(plan.Deployment, []plan.Node) error {
		l.setPartitioned(dc, true)
		return l.setLinkEnabled(ctx, dc, false)
	}, false)
}
