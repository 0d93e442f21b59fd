package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/stickylab/stickylab/lab"
)

// downTimeout bounds the teardown that runs after Ctrl-C or an error.
const downTimeout = 60 * time.Second

// notifyContext ends ctx on SIGINT or SIGTERM. Once it has ended the signals
// get their default behaviour back, so a second Ctrl-C during teardown
// kills the process at once (stickylab clean removes what is left).
func notifyContext(parent context.Context) (context.Context, context.CancelFunc) {
	ctx, stop := signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	return ctx, stop
}

// teardown removes everything l started, with a fresh context: the caller's
// may already be cancelled by Ctrl-C, and the containers must still go.
// It does nothing for a nil lab, so it can be deferred right after Up.
func teardown(ctx context.Context, s Streams, l *lab.Lab, errp *error) {
	if l == nil {
		return
	}
	if ctx.Err() != nil {
		fmt.Fprintln(s.Err, "interrupted: tearing the lab down (Ctrl-C again to abandon; `stickylab clean` removes leftovers)")
	}
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), downTimeout)
	defer cancel()
	if err := l.Down(dctx); err != nil && *errp == nil {
		*errp = fmt.Errorf("tear down run %s: %w (run `stickylab clean`)", l.RunID(), err)
	}
}
