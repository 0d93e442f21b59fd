package cli

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stickylab/stickylab/lab"
	"github.com/stickylab/stickylab/lab/monitor"
	"github.com/stickylab/stickylab/lab/topology"
)

func TestMonitorBadFlags(t *testing.T) {
	cases := []struct {
		name  string
		args  []string
		wants []string
	}{
		{"no url", nil, []string{"--url"}},
		{"interval", []string{"--url", "http://127.0.0.1:1", "--interval", "0s"}, []string{"--interval", "0s"}},
		{"runs", []string{"--url", "http://127.0.0.1:1", "--runs-per-interval", "0"}, []string{"--runs-per-interval", "got 0"}},
		{"locations", []string{"--url", "http://127.0.0.1:1", "--locations", "0"}, []string{"--locations", "got 0"}},
		{"threshold", []string{"--url", "http://127.0.0.1:1", "--alert-above", "1.5"}, []string{"--alert-above", "1.5"}},
		{"confidence", []string{"--url", "http://127.0.0.1:1", "--confidence", "0.2"}, []string{"--confidence", "0.2"}},
		{"webhook", []string{"--url", "http://127.0.0.1:1", "--webhook", "ftp://x"}, []string{"--webhook", "ftp://x"}},
		{"flow", []string{"--url", "http://127.0.0.1:1", "--flow", "nope"}, []string{"--flow", `"nope"`, "login"}},
		{"flow file", []string{"--url", "http://127.0.0.1:1", "--flow", "nope.yaml"}, []string{"--flow", "nope.yaml"}},
		{"metrics addr", []string{"--url", "http://127.0.0.1:1", "--metrics-addr", "nowhere"}, []string{"--metrics-addr", "nowhere"}},
		{"duration", []string{"--url", "http://127.0.0.1:1", "--duration", "-1s"}, []string{"--duration"}},
		{"url", []string{"--url", "127.0.0.1:1"}, []string{"--url", "127.0.0.1:1"}},
		{"ca", []string{"--url", "https://127.0.0.1:1", "--ca", "missing.pem"}, []string{"--ca", "missing.pem"}},
		{"bad value", []string{"--url", "http://127.0.0.1:1", "--interval", "soon"}, []string{"interval", "soon"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			oneErrorLine(t, execute(t, append([]string{"monitor"}, c.args...)...), ExitUsage, c.wants...)
		})
	}
}

// webhook records the alerts; on the first one it scrapes the monitor's
// metrics, whose address the monitor printed first.
type webhook struct {
	mu      sync.Mutex
	alerts  []monitor.Alert
	metrics string
	stdout  func() string
}

func (h *webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var a monitor.Alert
	if err := json.NewDecoder(r.Body).Decode(&a); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.alerts = append(h.alerts, a)
	if m := regexp.MustCompile(`metrics on (http://\S+)`).FindStringSubmatch(h.stdout()); m != nil && h.metrics == "" {
		if resp, err := http.Get(m[1]); err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			h.metrics = string(b)
		}
	}
}

// The monitor against the incident alerts (exit 3, a webhook with the
// diagnosis and a failing run's hops, metrics to scrape); once the edge has
// cookie persistence it stays quiet.
func TestMonitorLocal(t *testing.T) {
	topo, err := topology.Load(incident)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), labWait)
	defer cancel()
	l, err := lab.Up(ctx, topo, lab.WithRuntime("local"), lab.WithLogf(t.Logf))
	t.Cleanup(func() {
		if err := l.Down(context.Background()); err != nil {
			t.Errorf("down: %v", err)
		}
	})
	if err != nil {
		t.Fatalf("up: %v", err)
	}
	var out syncBuffer
	hook := &webhook{stdout: out.String}
	srv := httptest.NewServer(hook)
	defer srv.Close()
	monitorArgs := func(duration string) []string {
		return []string{"monitor", "--url", l.EdgeURL(), "--ca", l.CAFile(), "--interval", "200ms", "--runs-per-interval", "4",
			"--duration", duration, "--webhook", srv.URL, "--metrics-addr", "127.0.0.1:0"}
	}

	// No persistence at the edge: 75 % of logins fail.
	var errb syncBuffer
	code := Execute(t.Context(), monitorArgs("10s"), Streams{In: strings.NewReader(""), Out: &out, Err: &errb, Env: testEnv(t)})
	if code != ExitAlert {
		t.Fatalf("without persistence: exit %d, want %d (alert)\n%s\n%s", code, ExitAlert, out.String(), errb.String())
	}
	if n := strings.Count(out.String(), "ALERT login at "+l.EdgeURL()); n != 1 {
		t.Errorf("want one ALERT line, got %d:\n%s", n, out.String())
	}
	hook.mu.Lock()
	alerts, metrics := hook.alerts, hook.metrics
	hook.mu.Unlock()
	if len(alerts) != 1 || alerts[0].Finding != "cross-datacenter" || alerts[0].FailedRun == nil || len(alerts[0].FailedRun.Hops) == 0 {
		t.Fatalf("webhook: want one cross-datacenter alert with a failing run's hops, got %+v", alerts)
	}
	for _, want := range []string{`stickylab_monitor_runs_total{result="failed"}`, `stickylab_monitor_failures_total{class="`,
		"stickylab_monitor_run_duration_seconds_count", "stickylab_monitor_alerting 1"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("scraped metrics lack %s:\n%s", want, metrics)
		}
	}

	// The fix: cookie persistence at the edge.
	if err := l.SetEdgePersistence(t.Context(), "cookie"); err != nil {
		t.Fatal(err)
	}
	r := executeCtx(t, t.Context(), testEnv(t), monitorArgs("5s")...)
	if r.code != ExitOK || strings.Contains(r.stdout, "ALERT") {
		t.Fatalf("with edge persistence: exit %d, want 0 and no alert\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, " 0 failed, 0 alerts fired") {
		t.Errorf("want every run to succeed:\n%s", r.stdout)
	}
	if hook.mu.Lock(); len(hook.alerts) != 1 {
		t.Errorf("with edge persistence: %d more webhooks", len(hook.alerts)-1)
	}
	hook.mu.Unlock()
}
