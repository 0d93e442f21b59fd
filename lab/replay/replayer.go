package replay

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/stickylab/stickylab/lab/stats"
)

// Replayer replays flows against one base URL (the edge).
type Replayer struct {
	base *url.URL
	opts options
}

// New returns a Replayer for baseURL, e.g. https://127.0.0.1:8443.
func New(baseURL string, opts ...Option) (*Replayer, error) {
	if strings.TrimSpace(baseURL) == "" {
		return nil, errors.New("replay: empty URL; want e.g. https://127.0.0.1:8443")
	}
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, fmt.Errorf("replay: cannot parse URL %q: %w", baseURL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("replay: URL %q must start with http:// or https://", baseURL)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("replay: URL %q has no host", baseURL)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawQuery, u.Fragment = "", ""
	o := defaults()
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, fmt.Errorf("replay: %w", err)
		}
	}
	return &Replayer{base: u, opts: o}, nil
}

// URL is the base URL replayed against.
func (r *Replayer) URL() string { return r.base.String() }

// Probe checks once that the base URL answers HTTP at all (any status), so
// a caller can say "cannot reach https://...: connection refused" in one line
// instead of failing every run.
func (r *Replayer) Probe(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, r.opts.timeout)
	defer cancel()
	tr := r.newTransport()
	defer tr.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.base.String()+"/", nil)
	if err != nil {
		return fmt.Errorf("cannot reach %s: %w", r.base, err)
	}
	resp, err := (&http.Client{Transport: tr, CheckRedirect: noRedirect}).Do(req)
	if err != nil {
		return fmt.Errorf("cannot reach %s: %s", r.base, rootCause(err))
	}
	resp.Body.Close()
	return nil
}

// Replay runs flow n times with concurrency workers. Runs that never started
// (ctx ended first) are not in the result; a run the ctx cut counts as
// timeout and is marked Interrupted. When ctx ends early the partial result
// (Partial, Planned, Interrupted; Completed leaves out the runs it cut)
// comes with an error wrapping ctx.Err().
func (r *Replayer) Replay(ctx context.Context, flow Flow, n, concurrency int) (*Result, error) {
	if n <= 0 {
		return nil, fmt.Errorf("replay: runs must be > 0, got %d", n)
	}
	if concurrency <= 0 {
		return nil, fmt.Errorf("replay: concurrency must be > 0, got %d", concurrency)
	}
	if err := flow.Validate(); err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	res := r.newResult(flow, concurrency)
	res.Planned = n
	r.drive(ctx, flow, res, n, nil)
	if len(res.Runs) < n || (ctx.Err() != nil && res.cut()) {
		res.Interrupted = context.Cause(ctx).Error()
		done := len(res.Completed().Runs)
		return res, fmt.Errorf("replay %s: stopped after %d of %d runs: %w", flow.Name, done, n, context.Cause(ctx))
	}
	return res, nil
}

// ReplayUntil runs flow until rule decides (Result.Decision), its cap is
// reached or ctx ends; WithConcurrency sets the runs in flight. When ctx ends
// first the partial result (Decision undecided) comes with an error wrapping
// ctx.Err().
func (r *Replayer) ReplayUntil(ctx context.Context, flow Flow, rule stats.StopRule) (*Result, error) {
	if err := rule.Validate(); err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	if err := flow.Validate(); err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	res := r.newResult(flow, r.opts.concurrency)
	res.Rule, res.Decision, res.Planned = rule.String(), stats.Undecided, rule.Max
	stopped := r.drive(ctx, flow, res, rule.Max, &rule)
	if !stopped && ctx.Err() != nil {
		res.Interrupted = context.Cause(ctx).Error()
		return res, fmt.Errorf("replay %s: stopped undecided after %d runs: %w", flow.Name, len(res.Runs), context.Cause(ctx))
	}
	return res, nil
}

func (r *Replayer) newResult(flow Flow, concurrency int) *Result {
	return &Result{Flow: flow.Name, Requests: flow.Requests(), BaseURL: r.base.String(),
		Concurrency: concurrency, Reused: r.opts.reuse, Started: time.Now()}
}

// drive runs workers until total runs started (0 = unbounded), the rule
// stops, or ctx ends. It reports whether the rule stopped the replay.
func (r *Replayer) drive(ctx context.Context, flow Flow, res *Result, total int, rule *stats.StopRule) bool {
	var (
		mu       sync.Mutex
		next     int
		failures int
		observed int
		stopped  bool
		wg       sync.WaitGroup
	)
	progressTotal := total
	if rule != nil {
		progressTotal = -1
	}
	claim := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if stopped || ctx.Err() != nil || (total > 0 && next >= total) {
			return 0, false
		}
		next++
		return next - 1, true
	}
	record := func(run Run) {
		mu.Lock()
		defer mu.Unlock()
		// A run cut by the replay's own context says nothing about the
		// endpoint: it is recorded (as timeout, Interrupted) but not fed to
		// the rule, and Completed leaves it out.
		run.Interrupted = run.Failure == Timeout && ctx.Err() != nil
		res.Runs = append(res.Runs, run)
		if rule != nil && !stopped && !run.Interrupted {
			observed++
			if !run.OK {
				failures++
			}
			if d, stop := rule.Check(failures, observed); stop {
				stopped, res.Decision = true, d
			}
		}
		if r.opts.progress != nil {
			r.opts.progress(len(res.Runs), progressTotal)
		}
	}
	for range res.Concurrency {
		wg.Go(func() {
			var shared *http.Transport
			if r.opts.reuse {
				shared = r.newTransport()
				defer shared.CloseIdleConnections()
			}
			for {
				idx, ok := claim()
				if !ok {
					return
				}
				record(r.run(ctx, flow, idx, shared))
			}
		})
	}
	wg.Wait()
	slices.SortFunc(res.Runs, func(a, b Run) int { return a.Index - b.Index })
	res.Elapsed = time.Since(res.Started)
	return stopped
}

func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// rootCause turns "Get \"https://...\": dial tcp 127.0.0.1:1: connect:
// connection refused" into "connection refused".
func rootCause(err error) string {
	var sys *os.SyscallError
	if errors.As(err, &sys) {
		return sys.Err.Error()
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err.Error()
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

// cut reports whether some run was cut short by the context or a request timeout.
func (r *Result) cut() bool {
	for _, run := range r.Runs {
		if run.Failure == Timeout {
			return true
		}
	}
	return false
}
