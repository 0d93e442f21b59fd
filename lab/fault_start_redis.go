package lab

import (
	"context"

	"github.com/stickylab/stickylab/lab/internal/plan"
)

func init() {
	register(Fault{
		Name: "start-redis", Target: TargetDatacenter,
		Does:      "Starts the datacenter's stopped Redis session store, empty. Returns once every app that uses it reads and writes sessions again (a replica has synced with its primary).",
		Interrupt: "The store may be started but not yet answering; `start-redis` again waits for it.",
		apply:     func(ctx context.Context, l *Lab, dc string, _ Args) error { return l.StartRedis(ctx, dc) },
	})
}

// StartRedis starts the store StopRedis stopped and returns once every app
// that uses it reads and writes its sessions again. A replica has synced
// with its primary by then.
func (l *Lab) StartRedis(ctx context.Context, dc string) error {
	return l.redisFault(ctx, "start redis", dc, plan.Deployment.Start, true)
}
