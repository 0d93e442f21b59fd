package monitor

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/stickylab/stickylab/lab/diagnose"
	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/stats"
)

// Alert is the JSON body POSTed to the webhook when the monitor fires
// (status "firing") and when it has recovered ("resolved").
type Alert struct {
	Status     string    `json:"status"`
	Flow       string    `json:"flow"`
	URL        string    `json:"url"`
	Time       time.Time `json:"time"`
	AlertAbove float64   `json:"alert_above"`
	Confidence float64   `json:"confidence"`
	Rule       string    `json:"rule"`
	// Window counts the runs the decision was made on (since the test last
	// restarted); Total counts every run since the monitor started.
	Window      Counts         `json:"window"`
	Total       Counts         `json:"total"`
	Causes      map[string]int `json:"causes"`      // failure class -> runs, in the window
	Datacenters map[string]int `json:"datacenters"` // datacenter -> requests served, in the window
	Finding     string         `json:"finding"`
	Diagnosis   string         `json:"diagnosis"`
	// FailedRun is one failing run of the window, hop by hop (nil when resolved
	// without one).
	FailedRun *FailedRun `json:"failed_run,omitempty"`
}

// Counts is runs, failures and the failure rate with its 95 % Wilson interval.
type Counts struct {
	Runs        int     `json:"runs"`
	Failures    int     `json:"failed"`
	FailureRate float64 `json:"failure_rate"`
	CI95Low     float64 `json:"ci95_low"`
	CI95High    float64 `json:"ci95_high"`
}

// FailedRun is a failing run as the alert shows it.
type FailedRun struct {
	Failure     string     `json:"failure"`
	FailedStep  string     `json:"failed_step"`
	Error       string     `json:"error"`
	Datacenters []string   `json:"datacenters"`
	Reissued    []string   `json:"reissued,omitempty"`
	Hops        []AlertHop `json:"hops"`
}

// AlertHop is one request of the failing run.
type AlertHop struct {
	Step       string   `json:"step"`
	Method     string   `json:"method"`
	URL        string   `json:"url"`
	Status     int      `json:"status"`
	Location   string   `json:"location,omitempty"`
	Datacenter string   `json:"datacenter,omitempty"`
	Instance   string   `json:"instance,omitempty"`
	EdgeReason string   `json:"edge_reason,omitempty"`
	LBReason   string   `json:"lb_reason,omitempty"`
	Failure    string   `json:"failure,omitempty"`
	SetCookie  []string `json:"set_cookie,omitempty"`
	Reissued   []string `json:"reissued,omitempty"`
	Error      string   `json:"error,omitempty"`
	DurationMS float64  `json:"duration_ms"`
}

func counts(failures, runs int) Counts {
	c := Counts{Runs: runs, Failures: failures}
	if runs > 0 {
		c.FailureRate = float64(failures) / float64(runs)
	}
	c.CI95Low, c.CI95High = stats.Wilson(failures, runs, 0.95)
	return c
}

// newAlert diagnoses the window's runs and describes them.
func (m *Monitor) newAlert(status Event, window *replay.Result, now time.Time) Alert {
	s := window.Summary()
	f := diagnose.Diagnose(window)
	a := Alert{Status: string(status), Flow: m.flow.Name, URL: m.replayer.URL(), Time: now.UTC(),
		AlertAbove: m.o.alertAbove, Confidence: m.o.confidence, Rule: m.decider.Rule(),
		Window: counts(s.Failures, s.Runs), Total: counts(m.failures, m.runs),
		Causes: s.Causes, Datacenters: s.Datacenters, Finding: string(f.Kind), Diagnosis: f.Text}
	if run, ok := example(window, f.Example); ok {
		a.FailedRun = failedRun(run)
	}
	return a
}

// example is the diagnosis's example run, else the last failed run.
func example(res *replay.Result, index int) (replay.Run, bool) {
	var last *replay.Run
	for i := range res.Runs {
		if run := &res.Runs[i]; !run.OK {
			if run.Index == index {
				return *run, true
			}
			last = run
		}
	}
	if last == nil {
		return replay.Run{}, false
	}
	return *last, true
}

func failedRun(run replay.Run) *FailedRun {
	fr := &FailedRun{Failure: run.Failure, FailedStep: run.FailedStep, Error: run.Err,
		Datacenters: run.Datacenters, Reissued: run.Reissued}
	for _, h := range run.Hops {
		ah := AlertHop{Step: h.Step, Method: h.Method, URL: h.URL, Status: h.Status, Location: h.Location,
			Datacenter: h.Datacenter, Instance: h.Instance, EdgeReason: h.EdgeReason, LBReason: h.LBReason,
			Failure: h.Failure, Reissued: h.Reissued, Error: h.Err, DurationMS: float64(h.Duration.Microseconds()) / 1000}
		for _, c := range (&http.Response{Header: h.ResponseHeader}).Cookies() {
			ah.SetCookie = append(ah.SetCookie, c.Name+"="+c.Value)
		}
		fr.Hops = append(fr.Hops, ah)
	}
	return fr
}

// Line is the alert as one log line.
func (a Alert) Line() string {
	verb := "ALERT"
	if a.Status == string(Recovered) {
		verb = "RECOVERED"
	}
	line := fmt.Sprintf("%s %s at %s: %d of %d runs failed (%s, 95 %% CI %s), threshold %s [%s]",
		verb, a.Flow, a.URL, a.Window.Failures, a.Window.Runs, diagnose.Pct(a.Window.FailureRate),
		diagnose.CI(a.Window.CI95Low, a.Window.CI95High), diagnose.Pct(a.AlertAbove), a.Rule)
	if a.Status == string(Fired) {
		line += fmt.Sprintf("; causes: %s; %s: %s", diagnose.CountList(a.Causes, " "), a.Finding, finding(a.Diagnosis))
	}
	return line
}

// finding drops the diagnosis's first sentence (the counts, already on the
// line) and keeps the next one.
func finding(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if i := strings.Index(s, ". "); i >= 0 {
		s = s[i+2:]
	}
	if i := strings.Index(s, ". "); i >= 0 {
		s = s[:i+1]
	}
	return s
}
