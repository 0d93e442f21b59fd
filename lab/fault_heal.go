package lab

import (
	"context"

	"github.com/stickylab/stickylab/lab/internal/plan"
)

func init() {
	register(Fault{
		Name: "heal", Target: TargetDatacenter,
		Does:      "Enables the datacenter's WAN link again, on the same address. Returns once the edge reports the datacenter healthy.",
		Interrupt: "The link may be enabled already, with the edge not yet seeing it healthy; `heal` again waits for it.",
		apply:     func(ctx context.Context, l *Lab, dc string, _ Args) error { return l.HealDatacenter(ctx, dc) },
	})
}

// HealDatacenter undoes PartitionDatacenter and returns once the edge
// reports the datacenter healthy.
func (l *Lab) HealDatacenter(ctx context.Context, dc string) error {
	return l.datacenterFault(ctx, "heal datacenter", dc, func(plan.Deployment, []plan.Node) error {
		if err := l.setLinkEnabled(ctx, dc, true); err != nil {
			return err
		}
		l.setPartitioned(dc, false)
		return nil
	}, true)
}
