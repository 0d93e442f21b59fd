package dashboard

import (
	"sync"
	"time"

	"github.com/stickylab/stickylab/lab/replay"
)

// tracker keeps what the traffic generator saw. Every control that changes
// the lab starts a new epoch: a run counts in the epoch that was current
// when it started, so "since the last change" counts only runs that went
// through the changed lab from their first request.
type tracker struct {
	mu      sync.Mutex
	start   time.Time
	version int // bumped by every change, so unchanged charts are not redrawn
	epoch   int
	marks   []mark
	points  []point // the latest maxPoints runs, in the order they ended
	total   tally
	current tally // runs of the current epoch
	failed  []replay.Run
	classes map[string]int
}

// A mark is a control that changed the lab, drawn on the chart.
type mark struct {
	At    time.Time
	Label string
}

type point struct {
	Start time.Time
	OK    bool
}

type tally struct{ Runs, Failures int }

const (
	maxPoints = 50000
	maxFailed = 5
)

func newTracker(now time.Time) *tracker {
	return &tracker{start: now, classes: map[string]int{}}
}

// Epoch is the epoch a run starting now belongs to.
func (t *tracker) Epoch() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.epoch
}

// Mark starts a new epoch after a change named label took effect.
func (t *tracker) Mark(label string, at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.epoch++
	t.version++
	t.current = tally{}
	t.marks = append(t.marks, mark{At: at, Label: label})
}

// Add records a finished run that started in epoch.
func (t *tracker) Add(epoch int, run replay.Run) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.version++
	run.Index = t.total.Runs + 1 // each generator replay is a run 0 of its own: number them here
	t.points = append(t.points, point{Start: run.Start, OK: run.OK})
	if len(t.points) > maxPoints {
		t.points = t.points[len(t.points)-maxPoints:]
	}
	t.total.add(run.OK)
	if epoch == t.epoch {
		t.current.add(run.OK)
	}
	if !run.OK {
		t.classes[run.Failure]++
		t.failed = append(t.failed, run)
		if len(t.failed) > maxFailed {
			t.failed = t.failed[len(t.failed)-maxFailed:]
		}
	}
}

// Reset forgets every run and mark, and starts a new epoch.
func (t *tracker) Reset(now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.start, t.epoch, t.version = now, t.epoch+1, t.version+1
	t.marks, t.points, t.failed, t.classes = nil, nil, nil, map[string]int{}
	t.total, t.current = tally{}, tally{}
}

func (c *tally) add(ok bool) {
	c.Runs++
	if !ok {
		c.Failures++
	}
}

// view is a copy of what the tracker holds, safe to read without the lock.
type view struct {
	Start          time.Time
	Version        int
	Marks          []mark
	Points         []point
	Total, Current tally
	Failed         []replay.Run
	Classes        map[string]int
}

func (t *tracker) view() view {
	t.mu.Lock()
	defer t.mu.Unlock()
	classes := make(map[string]int, len(t.classes))
	for k, v := range t.classes {
		classes[k] = v
	}
	return view{
		Start: t.start, Version: t.version, Marks: append([]mark(nil), t.marks...),
		Points: append([]point(nil), t.points...), Total: t.total, Current: t.current,
		Failed: append([]replay.Run(nil), t.failed...), Classes: classes,
	}
}
