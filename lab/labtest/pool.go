package labtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/stickylab/stickylab/lab"
	"github.com/stickylab/stickylab/lab/topology"
)

// The pool keeps, per Ginkgo process, the labs its specs have finished with,
// by runtime and shape (lab.Shape: datacenters, instances, app settings,
// TLS, the start-only tier fields; the image set is the process's own). Up
// takes one of the requested shape and resets it (lab.Reset) instead of
// starting a new one; a lab whose reset fails is torn down and replaced.
// KeepLabs turns it on and tears it down at suite end; without KeepLabs,
// every Up starts a new lab and its spec tears it down.

// UpOption changes how Up gets its lab.
type UpOption int

// Fresh makes Up start a new lab, never a reset one from the pool: for specs
// that need what Reset does not restore (see lab.Reset), or a run id and
// addresses of their own.
const Fresh UpOption = 1

// MaxIdleLabs bounds the labs a process keeps idle. Each Docker lab holds a
// network per datacenter plus wan, and the engine's default address pools
// hold about 30 networks: an unbounded pool of every shape the suite uses
// runs out of them ("could not find an available, non-overlapping IPv4
// address pool"). The suite's labs have at most 2 datacenters, so 2
// processes with 3 idle labs and 1 in use each hold at most 24 networks.
// Beyond it, the least recently used lab is torn down, in the background
// (see evict); a spec that needs a new lab waits for that teardown first, so
// the bound holds.
const MaxIdleLabs = 3

// pool holds the idle labs of this process, least recently used first.
type pool struct {
	mu   sync.Mutex
	on   bool
	idle []idleLab
	// evicting is closed once the labs evicted so far are torn down;
	// evictErr holds what those teardowns failed with, for drain.
	evicting chan struct{}
	evictErr error
}

type idleLab struct {
	key string
	l   *lab.Lab
}

var labs pool

// KeepLabs turns the pool on for this Ginkgo process and registers, at suite
// level, the teardown of every lab it holds: call it in a BeforeSuite (or
// SynchronizedBeforeSuite's every-process function). Ginkgo runs that
// cleanup on failures and on an interrupt (Ctrl-C) too; the Docker
// runtime's labels and owner-pid sweep remove what a killed process left.
func KeepLabs() {
	GinkgoHelper()
	labs.mu.Lock()
	labs.on = true
	labs.mu.Unlock()
	DeferCleanup(func(ctx SpecContext) error { return labs.drain(ctx) }, NodeTimeout(DownTimeout))
}

func poolKey(t topology.Topology) string { return Runtime() + "\x00" + lab.Shape(t) }

// take returns an idle lab of t's shape reset to t, or nil when there is
// none (or the pool is off, or the reset failed: that lab is torn down).
func (p *pool) take(ctx context.Context, t topology.Topology) *lab.Lab {
	key := poolKey(t)
	p.mu.Lock()
	var l *lab.Lab
	for i := len(p.idle) - 1; p.on && i >= 0; i-- {
		if p.idle[i].key == key {
			l = p.idle[i].l
			p.idle = slices.Delete(p.idle, i, i+1)
			break
		}
	}
	p.mu.Unlock()
	if l == nil {
		return nil
	}
	began := time.Now()
	if err := l.Reset(ctx, t); err != nil {
		logf("lab %s not reusable, starting a new one: %v", l.RunID(), err)
		if derr := l.Down(ctx); derr != nil {
			logf("%v", derr)
		}
		return nil
	}
	logf("lab %s reset in %s", l.RunID(), time.Since(began).Round(time.Millisecond))
	return l
}

// release keeps l for a later spec when the pool is on and the spec passed;
// otherwise it tears l down.
func (p *pool) release(ctx context.Context, l *lab.Lab, failed bool) error {
	p.mu.Lock()
	if !p.on || failed {
		p.mu.Unlock()
		return l.Down(ctx)
	}
	p.idle = append(p.idle, idleLab{key: poolKey(l.Topology()), l: l})
	var evicted []idleLab
	if n := len(p.idle) - MaxIdleLabs; n > 0 {
		evicted = slices.Clone(p.idle[:n])
		p.idle = slices.Delete(p.idle, 0, n)
	}
	p.mu.Unlock()
	p.evict(evicted)
	return nil
}

// evict tears labs down behind the spec that released them, after any
// earlier eviction (one teardown at a time, as downAll), so that the next
// spec runs while the engine removes them. drain reports their errors.
func (p *pool) evict(labs []idleLab) {
	if len(labs) == 0 {
		return
	}
	p.mu.Lock()
	before, done := p.evicting, make(chan struct{})
	p.evicting = done
	p.mu.Unlock()
	go func() {
		defer close(done)
		if before != nil {
			<-before
		}
		// No spec's context covers this teardown: DownTimeout a lab.
		ctx, cancel := context.WithTimeout(context.Background(), time.Duration(len(labs))*DownTimeout)
		defer cancel()
		if err := downAll(ctx, labs); err != nil {
			logf("evicting idle labs: %v", err)
			p.mu.Lock()
			p.evictErr = errors.Join(p.evictErr, err)
			p.mu.Unlock()
		}
	}()
}

// evicted waits until every lab evicted so far is torn down, or ctx ends.
func (p *pool) evicted(ctx context.Context) error {
	p.mu.Lock()
	done := p.evicting
	p.mu.Unlock()
	if done == nil {
		return nil
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting for the teardown of evicted labs: %w", context.Cause(ctx))
	}
}

// drain waits for the evictions, tears every idle lab down and turns the
// pool off; it returns every teardown's error, evictions' included.
func (p *pool) drain(ctx context.Context) error {
	werr := p.evicted(ctx)
	p.mu.Lock()
	idle := p.idle
	p.idle, p.on = nil, false
	eerr := p.evictErr
	p.evictErr = nil
	p.mu.Unlock()
	return errors.Join(werr, eerr, downAll(ctx, idle))
}

// downAll tears labs down one after the other: side by side, on a busy
// fuse-overlayfs engine, once left a network the engine believed still had
// an endpoint, which only an engine restart freed (moby/moby#42119).
func downAll(ctx context.Context, labs []idleLab) error {
	var errs []error
	for _, e := range labs {
		errs = append(errs, e.l.Down(ctx))
	}
	return errors.Join(errs...)
}

// SameLab decorates a story whose specs share one lab shape: one Ginkgo
// process runs them in turn (Ordered), so that each spec after the first
// reuses the lab the one before left in this process's pool, instead of
// every process starting its own. ContinueOnFailure keeps a failed spec
// from skipping the rest; its lab is torn down and the next spec starts one.
var SameLab = []any{Ordered, ContinueOnFailure}

// OwnShape decorates a story whose lab shape no other story uses (the Redis
// layouts, HAProxy): Ginkgo schedules it before the rest, so that the
// suite's longest specs — each starts a lab of its own — run while every
// process is busy anyway, and the suite ends on short specs that reuse
// pooled labs. Left to the shuffle, one of them could come last: a
// two-process Docker run ended with one process idle for 31 s while the
// other started a Redis lab.
var OwnShape = SpecPriority(1)
