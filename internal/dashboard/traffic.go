package dashboard

import (
	"context"
	"fmt"
	"sync"

	"github.com/stickylab/stickylab/lab/replay"
)

// maxUsers bounds the generator: enough to see the rate quickly, few
// enough not to starve a shared machine.
const maxUsers = 64

// generator replays the login flow against the edge with N concurrent
// users, each run with a fresh cookie jar, until stopped.
type generator struct {
	newReplayer func() (*replay.Replayer, error)
	record      func(epoch int, run replay.Run)
	epoch       func() int

	op     sync.Mutex // serialises Start and Stop
	mu     sync.Mutex // guards users and cancel
	users  int
	cancel context.CancelFunc
	done   sync.WaitGroup
}

// Start starts users concurrent users, replacing those already running.
func (g *generator) Start(users int) error {
	if users < 1 || users > maxUsers {
		return fmt.Errorf("users: want 1 to %d, got %d", maxUsers, users)
	}
	r, err := g.newReplayer()
	if err != nil {
		return err
	}
	g.op.Lock()
	defer g.op.Unlock()
	g.stop()
	g.mu.Lock()
	defer g.mu.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	g.users, g.cancel = users, cancel
	for range users {
		g.done.Go(func() { g.user(ctx, r) })
	}
	return nil
}

// user replays one run after the other until ctx ends. A run the stop cut
// is not recorded: it says nothing about the lab.
func (g *generator) user(ctx context.Context, r *replay.Replayer) {
	for ctx.Err() == nil {
		epoch := g.epoch()
		res, _ := r.Replay(ctx, replay.Login, 1, 1)
		if ctx.Err() != nil || res == nil || len(res.Runs) == 0 {
			continue
		}
		g.record(epoch, res.Runs[0])
	}
}

// Stop stops the users and returns once every one has ended.
func (g *generator) Stop() {
	g.op.Lock()
	defer g.op.Unlock()
	g.stop()
}

func (g *generator) stop() {
	g.mu.Lock()
	cancel := g.cancel
	g.cancel, g.users = nil, 0
	g.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	g.done.Wait()
}

// Users is how many users run now (0: stopped).
func (g *generator) Users() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.users
}
