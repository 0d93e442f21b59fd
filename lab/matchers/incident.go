package matchers

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/stickylab/stickylab/lab/diagnose"
	"github.com/stickylab/stickylab/lab/replay"
)

// IncidentReport is what a failing matcher prints: the summary, the
// diagnosis, and every hop of run index (none when index < 0) with its
// request and response headers.
func IncidentReport(res *replay.Result, index int) string {
	var b strings.Builder
	s := res.Summary()
	fmt.Fprintf(&b, "%s replay of %s: %d runs, %d failed (%s, 95 %% CI %s)\n", res.Flow, res.BaseURL, s.Runs, s.Failures, diagnose.Pct(s.FailureRate), diagnose.CI(s.CILow, s.CIHigh))
	fmt.Fprintf(&b, "  causes: %s\n  datacenters (requests): %s\n  instances (requests): %s\n  crossed: %d failed runs, %d successful runs\n",
		counts(s.Causes), counts(s.Datacenters), counts(s.Instances), s.CrossedFailed, s.CrossedOK)
	f := diagnose.Diagnose(res)
	fmt.Fprintf(&b, "Diagnosis (%s): %s\n", f.Kind, f.Text)
	for _, run := range res.Runs {
		if run.Index == index {
			b.WriteString("\n")
			writeRun(&b, run)
		}
	}
	return b.String()
}

func writeRun(b *strings.Builder, run replay.Run) {
	verdict := "succeeded"
	if !run.OK {
		verdict = fmt.Sprintf("failed: %s at step %s (%s)", run.Failure, run.FailedStep, run.Err)
	}
	fmt.Fprintf(b, "Run %d %s\n  datacenters: %s; crossed: %v; re-issued cookies: %s\n", run.Index, verdict,
		orNone(strings.Join(run.Datacenters, " → ")), run.Crossed, orNone(strings.Join(run.Reissued, ", ")))
	for i, h := range run.Hops {
		fmt.Fprintf(b, "  %d. %s %s → %d", i+1, h.Method, h.URL, h.Status)
		var facts []string
		if h.Datacenter != "" || h.Instance != "" {
			facts = append(facts, "served by "+h.Datacenter+"/"+h.Instance)
		}
		if h.EdgeReason != "" {
			facts = append(facts, "edge "+h.EdgeReason)
		}
		if h.LBReason != "" {
			facts = append(facts, "lb "+h.LBReason)
		}
		if h.Failure != "" {
			facts = append(facts, "failure "+h.Failure)
		}
		if len(h.Reissued) > 0 {
			facts = append(facts, "re-issued "+strings.Join(h.Reissued, ", "))
		}
		if len(facts) > 0 {
			fmt.Fprintf(b, " [%s]", strings.Join(facts, "; "))
		}
		b.WriteString("\n")
		if h.Err != "" {
			fmt.Fprintf(b, "     ! %s\n", h.Err)
		}
		writeHeaders(b, "     > ", h.RequestHeader)
		writeHeaders(b, "     < ", h.ResponseHeader)
	}
}

func writeHeaders(b *strings.Builder, prefix string, h http.Header) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			fmt.Fprintf(b, "%s%s: %s\n", prefix, k, v)
		}
	}
}

func counts(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
