package monitor

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/stickylab/stickylab/lab/replay"
)

const (
	keptRuns     = 1000             // runs of the current window kept for the diagnosis
	drainTimeout = 10 * time.Second // how long Run waits for queued webhooks when it ends
)

// Monitor replays a flow periodically and alerts on its failure rate.
// Build it with New, expose Handler, then call Run once.
type Monitor struct {
	o        options
	flow     replay.Flow
	replayer *replay.Replayer
	decider  *Decider
	metrics  *metrics
	notifier *notifier // nil without a webhook
	window   []replay.Run
	runs     int
	failures int
	alerts   int
	batches  int
}

// Report is what a monitor saw until Run returned.
type Report struct {
	Runs, Failures int
	Alerts         int  // alerts fired
	Alerting       bool // still firing at the end (not recovered)
}

// New checks the options and builds a monitor of flow against baseURL
// (the edge, e.g. https://127.0.0.1:8443). Nothing is sent before Run.
func New(baseURL string, flow replay.Flow, opts ...Option) (*Monitor, error) {
	o := defaults()
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, fmt.Errorf("monitor: %w", err)
		}
	}
	if err := flow.Validate(); err != nil {
		return nil, fmt.Errorf("monitor: %w", err)
	}
	d, err := NewDecider(o.alertAbove, o.confidence)
	if err != nil {
		return nil, fmt.Errorf("monitor: %w", err)
	}
	// One run must not outlast the interval by much: its requests share it.
	r, err := replay.New(baseURL, append([]replay.Option{replay.WithTimeout(max(o.interval, 5*time.Second))}, o.replay...)...)
	if err != nil {
		return nil, fmt.Errorf("monitor: %w", err)
	}
	m := &Monitor{o: o, flow: flow, replayer: r, decider: d, metrics: newMetrics()}
	if o.webhook != "" {
		m.notifier = newNotifier(o.webhook, o.backoff, o.logf, func(ok bool) {
			m.metrics.webhooks.WithLabelValues(map[bool]string{true: "ok", false: "failed"}[ok]).Inc()
		})
	}
	return m, nil
}

// Handler serves the Prometheus metrics.
func (m *Monitor) Handler() http.Handler { return m.metrics.handler() }

// Rule describes the sequential test, e.g. "SPRT p0=0.05 p1=0.1 alpha=0.05 beta=0.05".
func (m *Monitor) Rule() string { return m.decider.Rule() }

// Run replays a batch at once, then one every interval, until ctx ends.
// Runs cut by the end of ctx are not counted. When it returns, queued
// webhooks have been delivered or given up on (after at most 10 s).
func (m *Monitor) Run(ctx context.Context) Report {
	if m.notifier != nil {
		nctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		defer cancel()
		go m.notifier.run(nctx)
		defer m.drain(cancel)
	}
	tick := time.NewTicker(m.o.interval)
	defer tick.Stop()
	for {
		m.batch(ctx)
		select {
		case <-ctx.Done():
			return Report{Runs: m.runs, Failures: m.failures, Alerts: m.alerts, Alerting: m.decider.Alerting()}
		case <-tick.C:
		}
	}
}

func (m *Monitor) drain(cancel context.CancelFunc) {
	m.notifier.close()
	t := time.NewTimer(drainTimeout)
	defer t.Stop()
	select {
	case <-m.notifier.done:
	case <-t.C:
		cancel()
		<-m.notifier.done
	}
}

// batch makes one interval's runs at once and feeds them to the test.
func (m *Monitor) batch(ctx context.Context) {
	m.batches++
	res, err := m.replayer.Replay(ctx, m.flow, m.o.runs, m.o.runs)
	if res == nil {
		m.o.logf("batch %d: %v", m.batches, err)
		return
	}
	failed := map[string]int{}
	n := 0
	for _, run := range res.Runs {
		if err != nil && run.Failure == replay.Timeout {
			continue // cut by the end of the monitor, not the endpoint's doing
		}
		run = classify(run)
		if !run.OK {
			failed[run.Failure]++
		}
		n++
		m.observe(run)
	}
	if n > 0 {
		m.o.logf("batch %d: %d runs, %s; total %d of %d failed", m.batches, n, describe(failed), m.failures, m.runs)
	}
}

func (m *Monitor) observe(run replay.Run) {
	run.Index = m.runs
	m.runs++
	if !run.OK {
		m.failures++
	}
	m.metrics.observe(run)
	if len(m.window) == keptRuns {
		m.window = slices.Delete(m.window, 0, 1)
	}
	m.window = append(m.window, run)
	ev := m.decider.Observe(!run.OK)
	if ev != NoChange {
		m.raise(ev)
	}
	if m.decider.Pending() == 0 {
		m.window = m.window[:0]
	}
}

// raise logs the alert line and queues the webhook.
func (m *Monitor) raise(ev Event) {
	window := &replay.Result{Flow: m.flow.Name, Requests: m.flow.Requests(), BaseURL: m.replayer.URL(),
		Concurrency: m.o.runs, Started: m.window[0].Start, Runs: slices.Clone(m.window)}
	window.Elapsed = m.o.now().Sub(window.Started)
	a := m.newAlert(ev, window, m.o.now())
	if ev == Fired {
		m.alerts++
		m.metrics.alerts.Inc()
		m.metrics.alerting.Set(1)
	} else {
		m.metrics.alerting.Set(0)
	}
	m.o.logf("%s", a.Line())
	if m.notifier != nil {
		m.notifier.send(a)
	}
}

// describe says "4 failed (session-missing 3, unreachable 1)" or "all ok".
func describe(failed map[string]int) string {
	total := 0
	var parts []string
	for _, c := range slices.Sorted(maps.Keys(failed)) {
		total += failed[c]
		parts = append(parts, fmt.Sprintf("%s %d", c, failed[c]))
	}
	if total == 0 {
		return "all ok"
	}
	return fmt.Sprintf("%d failed (%s)", total, strings.Join(parts, ", "))
}
