package lab

import "context"

func init() {
	register(Fault{
		Name: "rotate-key", Target: TargetBalancer,
		Does: "Gives the edge or a datacenter's load balancer a new persistence-cookie key: cookies it issued before no longer decode " +
			"(their users are re-pinned, reason=undecodable). At once.",
		Interrupt: "One admin call: either the key rotated or it did not.",
		apply:     func(ctx context.Context, l *Lab, target string, _ Args) error { return l.RotateKey(ctx, target) },
	})
}
