package cli

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/stickylab/stickylab/lab/diagnose"
	"github.com/stickylab/stickylab/lab/stats"
)

// writeTable prints the result table: counts, the interval the finding
// used, the model and its verdict, where requests landed and why runs failed.
func writeTable(w io.Writer, p palette, o outcome) {
	s, res := o.Summary, o.Result
	fmt.Fprintf(w, "%s  %s flow, %d runs, concurrency %d, %s\n", p.bold("Result"),
		res.Flow, s.Runs, res.Concurrency, res.Elapsed.Round(time.Millisecond))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  runs\t%d\n", s.Runs)
	fmt.Fprintf(tw, "  failed\t%d\n", s.Failures)
	rate := rateText(s.FailureRate)
	switch {
	case s.Failures == 0:
		rate = p.green(rate)
	default:
		rate = p.red(rate)
	}
	level, lo, hi := diagnose.Judgement(o.Summary, o.Finding)
	fmt.Fprintf(tw, "  failure rate\t%s\t%s CI %s – %s\n", rate, diagnose.Level(level), rateText(lo), rateText(hi))
	if s.Failures == 0 && s.Runs > 0 {
		fmt.Fprintf(tw, "  upper bound\t%s\tno failure in %d runs: the rate is below this at %s confidence (one-sided)\n",
			rateText(stats.UpperBound(0, s.Runs, level)), s.Runs, diagnose.Level(level))
	}
	if m := o.Model; m != nil {
		fmt.Fprintf(tw, "  expected\t%s\n", modelText(p, *m, o.Finding))
	}
	tw.Flush()
	writeServed(w, s)
	if len(s.Causes) > 0 {
		fmt.Fprintln(w, "  failure classes")
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, c := range diagnose.ByCount(s.Causes) {
			fmt.Fprintf(tw, "    %s\t%d\t%s\n", c, s.Causes[c], rateText(float64(s.Causes[c])/float64(s.Failures)))
		}
		tw.Flush()
	}
	if s.CrossedFailed+s.CrossedOK > 0 {
		fmt.Fprintf(w, "  runs that crossed datacenters: %d failed, %d succeeded\n", s.CrossedFailed, s.CrossedOK)
	}
}

// modelText shows the model's rate and the finding's verdict on it, so the
// table and the diagnosis cannot disagree.
func modelText(p palette, m stats.Model, f diagnose.Finding) string {
	if !m.Applies {
		return p.dim("the model does not apply: " + m.Why)
	}
	text := rateText(m.FailureRate)
	if m.Formula != "" && m.Formula != "0" {
		text += " (" + m.Formula + ")"
	}
	switch {
	case f.ModelAgrees == nil:
		return text
	case *f.ModelAgrees:
		return text + "  " + p.green("agrees: inside the "+diagnose.Level(f.Confidence)+" interval")
	}
	return text + "  " + p.yellow("outside the "+diagnose.Level(f.Confidence)+" interval")
}

// writeServed lists the requests each datacenter and instance served.
func writeServed(w io.Writer, s stats.Summary) {
	if len(s.Datacenters) == 0 {
		return
	}
	fmt.Fprintln(w, "  requests served")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, dc := range slices.Sorted(maps.Keys(s.Datacenters)) {
		var parts []string
		for _, inst := range slices.Sorted(maps.Keys(s.Instances)) {
			if strings.HasPrefix(inst, dc+"-") || strings.HasPrefix(inst, dc+"/") {
				parts = append(parts, fmt.Sprintf("%s %d", inst, s.Instances[inst]))
			}
		}
		fmt.Fprintf(tw, "    %s\t%d\t%s\n", dc, s.Datacenters[dc], strings.Join(parts, ", "))
	}
	tw.Flush()
}

// rateText is diagnose.Pct, with a plain "0 %" and three decimals below 0.1 %,
// where one decimal would show a rate that is not zero as "0.0 %".
func rateText(f float64) string {
	switch {
	case f == 0:
		return "0 %"
	case f < 0.001:
		return fmt.Sprintf("%.3f %%", 100*f)
	}
	return diagnose.Pct(f)
}
