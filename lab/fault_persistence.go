package lab

import (
	"context"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

func init() {
	register(Fault{
		Name: policy.FieldPersistence, Target: TargetBalancer,
		Args:      []Arg{{Name: "mode", Kind: ArgEnum, Values: policy.Names(policy.Persistences), Required: true, Doc: "how the balancer keeps a user on one member"}},
		Does:      "Sets the persistence of the edge or of a datacenter's load balancer (PATCH /config); the next request is decided with it. At once.",
		Interrupt: "One admin call: either it changed or it did not (the balancer saves it in its state file).",
		apply: func(ctx context.Context, l *Lab, target string, a Args) error {
			mode := policy.Persistence(a["mode"])
			return l.Configure(ctx, target, Policy{Persistence: &mode})
		},
	})
}
