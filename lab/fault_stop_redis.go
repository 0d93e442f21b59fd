package lab

import (
	"context"

	"github.com/stickylab/stickylab/lab/internal/plan"
)

func init() {
	register(Fault{
		Name: "stop-redis", Target: TargetDatacenter,
		Does: "Stops the datacenter's Redis session store (with layout shared, the one store): its sessions are lost, and logins " +
			"through the apps that use it fail with session-store-unavailable, never with a new session. " +
			"Returns once every such app reports its store unavailable.",
		Interrupt: "The store may be stopped already; `start-redis` undoes it.",
		apply:     func(ctx context.Context, l *Lab, dc string, _ Args) error { return l.StopRedis(ctx, dc) },
	})
}

// StopRedis stops the Redis session store in datacenter dc — with layout
// shared, the one store every datacenter uses — and returns once every app
// that reads or writes it reports its store unavailable (GET
// /admin/sessions answers 503, failure class session-store-unavailable).
// Its sessions are gone: redis-server keeps nothing on disk here. Logins
// through those apps fail with session-store-unavailable, never with a
// new session.
func (l *Lab) StopRedis(ctx context.Context, dc string) error {
	return l.redisFault(ctx, "stop redis", dc, plan.Deployment.Stop, false)
}
