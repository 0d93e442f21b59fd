package labtest

import (
	"context"
	"fmt"
	"sync"

	"github.com/stickylab/stickylab/lab/replay"
)

// gate holds the runs of a wave after their sign-in POST until released.
// It is full once every run of the wave has arrived: held there, or ended
// without reaching it (a run that could not sign in must not block the
// fault forever; ReplayAround then names it).
type gate struct {
	size int
	full chan struct{} // closed once size runs arrived
	open chan struct{} // closed by release

	mu      sync.Mutex
	held    map[int]bool // run index (within the wave) -> held
	ended   int          // runs that ended before release
	arrived bool
	once    sync.Once
}

func newGate(size int) *gate {
	g := &gate{size: size, full: make(chan struct{}), open: make(chan struct{}), held: map[int]bool{}}
	g.check()
	return g
}

// options hold the wave's runs after SignInStep and count the runs that end.
func (g *gate) options() []replay.Option {
	return []replay.Option{
		replay.WithHold(func(ctx context.Context, run int, step string) {
			if step != SignInStep {
				return
			}
			g.mu.Lock()
			g.held[run] = true
			g.mu.Unlock()
			g.check()
			select {
			case <-g.open:
			case <-ctx.Done():
			}
		}),
		replay.WithProgress(func(int, int) {
			select {
			case <-g.open: // released: runs end normally now
				return
			default:
			}
			g.mu.Lock()
			g.ended++
			g.mu.Unlock()
			g.check()
		}),
	}
}

func (g *gate) check() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.arrived && len(g.held)+g.ended >= g.size {
		g.arrived = true
		close(g.full)
	}
}

func (g *gate) release() { g.once.Do(func() { close(g.open) }) }

// notHeld describes the runs of the wave that were never held.
func (g *gate) notHeld(res *replay.Result) []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []string
	for _, run := range res.Runs {
		if !g.held[run.Index] {
			out = append(out, fmt.Sprintf("run %d: %s", run.Index, run.Err))
		}
	}
	return out
}
