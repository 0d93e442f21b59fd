package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/stickylab/stickylab/lab/diagnose"
	"github.com/stickylab/stickylab/lab/monitor"
	"github.com/stickylab/stickylab/lab/replay"
)

// ExitAlert is monitor's exit code when an alert fired during --duration.
const ExitAlert = 3

type monitorOptions struct {
	url, flow, ca, webhook, metricsAddr string
	insecure                            bool
	interval, duration                  time.Duration
	runs, locations                     int
	alertAbove, confidence              float64
}

func newMonitorCmd(s Streams) *cobra.Command {
	var o monitorOptions
	cmd := &cobra.Command{
		Use:   "monitor --url URL",
		Short: "Run a flow periodically and alert when its failure rate is significantly too high",
		Long: `monitor is a synthetic monitor like the one that caught the incident: it
replays the flow every --interval, exports Prometheus metrics on
--metrics-addr, and decides with Wald's sequential test (SPRT, error rates
1 - --confidence) when the failure rate is significantly above --alert-above.
It then prints one ALERT line and POSTs a JSON alert (diagnosis, counts, one
failing run's hops) to --webhook, and alerts again only after a RECOVERED
line. With --duration it exits 3 when an alert fired, 0 otherwise; without it
runs until Ctrl-C.`,
		Example: `  stickylab monitor --url https://127.0.0.1:8443 --ca /tmp/stickylab-ca.pem --duration 1m
  stickylab monitor --url https://portal.example.com --flow my-login.yaml --interval 1m \
      --alert-above 0.01 --webhook http://127.0.0.1:9000/alerts`,
		Args: cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context(), s) }),
	}
	f := cmd.Flags()
	f.StringVar(&o.url, "url", "", "base URL of the edge, e.g. https://127.0.0.1:8443")
	f.StringVar(&o.flow, "flow", "login", "flow to run: "+strings.Join(flowNames(), " | ")+", or a flow file (.yaml)")
	f.DurationVar(&o.interval, "interval", 10*time.Second, "time between the starts of two batches of runs")
	f.IntVar(&o.runs, "runs-per-interval", 5, "runs in each batch, all at once")
	f.IntVar(&o.locations, "locations", 1, "client locations the runs are spread over, each with its own resolver and client address (1-254)")
	f.DurationVar(&o.duration, "duration", 0, "stop after this long and exit 3 if an alert fired (0: run until Ctrl-C)")
	f.Float64Var(&o.alertAbove, "alert-above", 0.05, "failure rate still fine; alert when significantly above it")
	f.Float64Var(&o.confidence, "confidence", 0.95, "how sure the test must be before it alerts or recovers")
	f.StringVar(&o.webhook, "webhook", "", "POST each alert and recovery as JSON to this URL")
	f.StringVar(&o.metricsAddr, "metrics-addr", "127.0.0.1:9464", `serve Prometheus metrics on http://ADDR/metrics ("" turns it off)`)
	f.StringVar(&o.ca, "ca", "", "PEM file of the CA to trust (the lab's CA file)")
	f.BoolVar(&o.insecure, "insecure", false, "skip TLS certificate verification")
	cmd.MarkFlagsMutuallyExclusive("ca", "insecure")
	return cmd
}

// options turns the flags into monitor options; every problem is bad input.
func (o *monitorOptions) options(s Streams) (replay.Flow, []monitor.Option, error) {
	if o.url == "" {
		return replay.Flow{}, nil, badInput("missing --url: the edge to monitor, e.g. --url https://127.0.0.1:8443")
	}
	if o.duration < 0 {
		return replay.Flow{}, nil, badInput("--duration must be >= 0, got %s", o.duration)
	}
	flow, err := replay.ResolveFlow(o.flow)
	if err != nil {
		return replay.Flow{}, nil, badInput("--flow: %w", err)
	}
	if o.locations < 1 || o.locations > 254 {
		return replay.Flow{}, nil, badInput("--locations must be between 1 and 254, got %d", o.locations)
	}
	tlsOpts, err := (&replayOptions{ca: o.ca, insecure: o.insecure}).tlsOptions()
	if err != nil {
		return replay.Flow{}, nil, err
	}
	if o.locations > 1 {
		tlsOpts = append(tlsOpts, replay.WithLocations(o.locations))
	}
	opts := []monitor.Option{
		monitor.WithInterval(o.interval), monitor.WithRunsPerInterval(o.runs),
		monitor.WithAlertAbove(o.alertAbove), monitor.WithConfidence(o.confidence),
		monitor.WithReplayOptions(tlsOpts...), monitor.WithLogf(lineLogger(s)),
	}
	if o.webhook != "" {
		opts = append(opts, monitor.WithWebhook(o.webhook))
	}
	return flow, opts, nil
}

func (o *monitorOptions) run(ctx context.Context, s Streams) error {
	flow, opts, err := o.options(s)
	if err != nil {
		return err
	}
	m, err := monitor.New(o.url, flow, opts...)
	if err != nil {
		return asBadInput(flagName(err))
	}
	if o.metricsAddr != "" {
		addr, stop, err := serveMetrics(o.metricsAddr, m.Handler())
		if err != nil {
			return err
		}
		defer stop()
		fmt.Fprintf(s.Out, "metrics on http://%s/metrics\n", addr)
	}
	runCtx := ctx
	if o.duration > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, o.duration)
		defer cancel()
	}
	fmt.Fprintf(s.Out, "monitoring %s at %s: %d runs every %s; alert when the failure rate is significantly above %s (%s)\n",
		flow.Name, o.url, o.runs, o.interval, diagnose.Pct(o.alertAbove), m.Rule())
	rep := m.Run(runCtx)
	fmt.Fprintf(s.Out, "monitor stopped: %d runs, %d failed, %d alerts fired\n", rep.Runs, rep.Failures, rep.Alerts)
	if o.duration > 0 && rep.Alerts > 0 {
		return &exitError{code: ExitAlert, err: fmt.Errorf("monitor: %d alert(s) fired during %s (%d of %d runs failed)", rep.Alerts, o.duration, rep.Failures, rep.Runs)}
	}
	return nil
}

// flagName names the flag behind a monitor option error.
func flagName(err error) error {
	msg := strings.TrimPrefix(err.Error(), "monitor: ")
	for _, f := range []string{"interval", "runs per interval", "alert-above", "confidence", "webhook"} {
		if strings.HasPrefix(msg, f) {
			return fmt.Errorf("--%s: %s", strings.ReplaceAll(f, " ", "-"), msg)
		}
	}
	if strings.HasPrefix(msg, "replay: ") {
		return fmt.Errorf("--url: %s", strings.TrimPrefix(msg, "replay: "))
	}
	return errors.New(msg)
}

// lineLogger prints each monitor line with the time, one writer at a time.
func lineLogger(s Streams) func(format string, args ...any) {
	var mu sync.Mutex
	return func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(s.Out, "%s %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
	}
}

// serveMetrics listens on addr and serves h at /metrics until stop.
func serveMetrics(addr string, h http.Handler) (bound string, stop func(), err error) {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return "", nil, badInput("--metrics-addr %q: want HOST:PORT, e.g. 127.0.0.1:9464", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, badInput("--metrics-addr %s: %v", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return ln.Addr().String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}
