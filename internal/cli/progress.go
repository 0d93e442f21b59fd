package cli

import (
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/stickylab/stickylab/lab/replay"
)

// progressDelay: a replay that ends sooner shows no bar at all.
const progressDelay = time.Second

// progress draws a bar on stderr for a replay that lasts over a second, and
// only when stderr is a terminal.
type progress struct {
	mu    sync.Mutex
	s     Streams
	label string
	start time.Time
	bar   *progressbar.ProgressBar
	ended bool
}

// newProgress returns the replay option that feeds the bar (nil when stderr
// is not a terminal) and the func that finishes it.
func newProgress(s Streams, label string) ([]replay.Option, func()) {
	if !isTerminal(s.Err) {
		if s.progress != nil {
			return []replay.Option{replay.WithProgress(s.progress)}, func() {}
		}
		return nil, func() {}
	}
	p := &progress{s: s, label: label, start: time.Now()}
	return []replay.Option{replay.WithProgress(p.update)}, p.finish
}

func (p *progress) update(done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ended {
		return
	}
	if p.bar == nil {
		if time.Since(p.start) < progressDelay {
			return
		}
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(p.s.Err),
			progressbar.OptionSetDescription(p.label),
			progressbar.OptionShowCount(),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(65*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	}
	_ = p.bar.Set(done)
}

func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil && !p.ended {
		_ = p.bar.Finish()
		_ = p.bar.Clear()
	}
	p.ended = true
}
