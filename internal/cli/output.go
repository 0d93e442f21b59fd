package cli

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/stickylab/stickylab/lab/diagnose"
	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/report"
	"github.com/stickylab/stickylab/lab/stats"
	"github.com/stickylab/stickylab/lab/topology"
)

// outcome is one replay and what the lab concludes from it.
type outcome struct {
	Result  *replay.Result
	Summary stats.Summary
	Model   *stats.Model // nil when the topology is unknown (replay --url)
	Finding diagnose.Finding
	Cookies []string // persistence cookies to follow in the hop listing
}

func newOutcome(res *replay.Result, t *topology.Topology) outcome {
	o := outcome{Result: res, Summary: res.Summary(), Cookies: []string{"lbs", "cdn_dc"}}
	var opts []diagnose.Option
	if t != nil {
		m := stats.Expected(*t, res.Requests)
		o.Model = &m
		o.Cookies = lbCookies(*t)
		opts = append(opts, diagnose.WithModel(m))
	}
	o.Finding = diagnose.Diagnose(res, opts...)
	return o
}

// writeJSON prints the --json object (lab/report's), and nothing else.
func writeJSON(w io.Writer, o outcome) error {
	return report.WriteJSON(w, o.Result, o.Finding, o.Model)
}

// lbCookies are the persistence cookies of t's load balancers.
func lbCookies(t topology.Topology) []string {
	names := []string{t.Edge.Cookie.Name}
	for _, dc := range t.Datacenters {
		if !slices.Contains(names, dc.LB.Cookie.Name) {
			names = append(names, dc.LB.Cookie.Name)
		}
	}
	return names
}

// isTerminal reports whether v is a terminal (an *os.File on a TTY).
func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// palette colours text only on a terminal, and never with NO_COLOR set.
type palette struct{ on bool }

func newPalette(s Streams) palette {
	return palette{on: isTerminal(s.Out) && s.getenv("NO_COLOR") == "" && s.getenv("TERM") != "dumb"}
}

func (p palette) wrap(code, s string) string {
	if !p.on {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (p palette) bold(s string) string   { return p.wrap("1", s) }
func (p palette) dim(s string) string    { return p.wrap("2", s) }
func (p palette) red(s string) string    { return p.wrap("31", s) }
func (p palette) green(s string) string  { return p.wrap("32", s) }
func (p palette) yellow(s string) string { return p.wrap("33", s) }
func (p palette) cyan(s string) string   { return p.wrap("36", s) }

// writeDiagram draws the topology: client → edge → each datacenter's LB →
// its instances, then the details in one dim line. notes annotate a
// datacenter (e.g. "stopped").
func writeDiagram(w io.Writer, p palette, t topology.Topology, notes map[string]string) {
	head := fmt.Sprintf("client ──▶ edge [%s] ", persistText(t.Edge.Tier))
	pad := strings.Repeat(" ", len([]rune(head)))
	for i, dc := range t.Datacenters {
		branch := "──▶ "
		switch {
		case len(t.Datacenters) == 1:
		case i == 0:
			branch = "─┬─▶ "
		case i == len(t.Datacenters)-1:
			branch = " └─▶ "
		default:
			branch = " ├─▶ "
		}
		prefix := pad
		if i == 0 {
			prefix = p.bold(head)
		}
		line := fmt.Sprintf("%s LB [%s] ──▶ %s", p.cyan(dc.Name), persistText(dc.LB), strings.Join(dc.InstanceNames(), ", "))
		if dc.Weight != 1 {
			line += fmt.Sprintf("  (weight %g)", dc.Weight)
		}
		if n := notes[dc.Name]; n != "" {
			line += "  " + p.yellow("("+n+")")
		}
		fmt.Fprintln(w, prefix+branch+line)
	}
	fmt.Fprintln(w, p.dim(detailsText(t)))
}

// persistText says in a word or two how a load balancer keeps users in place.
func persistText(t topology.Tier) string {
	switch t.Persistence {
	case "none":
		return "no persistence"
	case "cookie":
		return t.Cookie.Name + " cookie"
	}
	return string(t.Persistence) + " persistence"
}

// detailsText is the rest of the topology that matters to the failure.
func detailsText(t topology.Topology) string {
	edge := string(t.Edge.Selection) + " selection"
	if t.Edge.Persistence == "cookie" {
		edge += ", " + string(t.Edge.Cookie.Codec) + " cookie"
	}
	if topology.On(t.Edge.PassthroughSingle, false) {
		edge += ", passthrough when one datacenter is up"
	}
	parts := []string{"edge: " + edge}
	if len(t.Datacenters) > 0 {
		dc := t.Datacenters[0]
		lb := string(dc.LB.Selection)
		if dc.LB.Persistence == "cookie" {
			lb += ", " + string(dc.LB.Cookie.Codec) + " cookie"
		}
		key := "machine key per " + dc.App.MachineKey
		if dc.App.MachineKey == "shared" {
			key = "one machine key everywhere"
		}
		sessions := "sessions in " + dc.App.Sessions
		if dc.App.Sessions == "redis" && t.Redis != nil {
			sessions += " (" + t.Redis.Layout + ")"
		}
		parts = append(parts, "LBs: "+lb, key, sessions)
	}
	if !topology.On(t.Edge.TLS, true) {
		parts = append(parts, "plain HTTP")
	}
	return "  " + strings.Join(parts, "; ")
}

// writeOutcome prints the result table, the model, the diagnosis and the
// hops of one failed run.
func writeOutcome(w io.Writer, p palette, o outcome) {
	writeTable(w, p, o)
	fmt.Fprintln(w)
	writeDiagnosis(w, p, o.Finding)
	if run, ok := exampleFailure(o.Result, o.Finding); ok {
		fmt.Fprintln(w)
		writeHops(w, p, run, o.Cookies)
	}
}

func writeTable(w io.Writer, p palette, o outcome) {
	s, res := o.Summary, o.Result
	fmt.Fprintf(w, "%s  %s flow, %d runs, concurrency %d, %s\n", p.bold("Result"),
		res.Flow, s.Runs, res.Concurrency, res.Elapsed.Round(time.Millisecond))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  runs\t%d\n", s.Runs)
	fmt.Fprintf(tw, "  failed\t%d\n", s.Failures)
	rate := pct(s.FailureRate)
	switch {
	case s.Failures == 0:
		rate = p.green(rate)
	default:
		rate = p.red(rate)
	}
	level, lo, hi := judgement(o)
	fmt.Fprintf(tw, "  failure rate\t%s\t%s CI %s – %s\n", rate, diagnose.Level(level), pct(lo), pct(hi))
	if s.Failures == 0 && s.Runs > 0 {
		fmt.Fprintf(tw, "  upper bound\t%s\tno failure in %d runs: the rate is below this at %s confidence (one-sided)\n",
			pct(stats.UpperBound(0, s.Runs, level)), s.Runs, diagnose.Level(level))
	}
	if m := o.Model; m != nil {
		fmt.Fprintf(tw, "  expected\t%s\n", modelText(p, *m, o.Finding))
	}
	tw.Flush()
	writeServed(w, s)
	if len(s.Causes) > 0 {
		fmt.Fprintln(w, "  failure classes")
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, c := range byCount(s.Causes) {
			fmt.Fprintf(tw, "    %s\t%d\t%s\n", c, s.Causes[c], pct(float64(s.Causes[c])/float64(s.Failures)))
		}
		tw.Flush()
	}
	if s.CrossedFailed+s.CrossedOK > 0 {
		fmt.Fprintf(w, "  runs that crossed datacenters: %d failed, %d succeeded\n", s.CrossedFailed, s.CrossedOK)
	}
}

// judgement is the level and interval the finding judged the model
// against: the one interval the table shows.
func judgement(o outcome) (level, lo, hi float64) {
	if f := o.Finding; f.Confidence > 0 {
		return f.Confidence, f.CILow, f.CIHigh
	}
	return 0.95, o.Summary.CILow, o.Summary.CIHigh
}

// modelText shows the model's rate and the finding's verdict on it, so the
// table and the diagnosis cannot disagree.
func modelText(p palette, m stats.Model, f diagnose.Finding) string {
	if !m.Applies {
		return p.dim("the model does not apply: " + m.Why)
	}
	text := pct(m.FailureRate)
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

func writeDiagnosis(w io.Writer, p palette, f diagnose.Finding) {
	if f.Text == "" {
		return
	}
	label := "Diagnosis"
	if f.Kind != "" {
		label += " (" + string(f.Kind) + ")"
	}
	fmt.Fprintln(w, p.bold(label))
	for _, line := range wrap(strings.TrimSpace(f.Text), 96) {
		fmt.Fprintln(w, "  "+line)
	}
}

// wrap breaks text into lines of at most width runes, at spaces.
func wrap(text string, width int) []string {
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			if line != "" && len([]rune(line))+1+len([]rune(word)) > width {
				lines = append(lines, line)
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += word
		}
		lines = append(lines, line)
	}
	return lines
}

// exampleFailure picks the failed run that tells the story best: the
// diagnosis' example, else one that crossed datacenters and had a
// persistence cookie re-issued, else any.
func exampleFailure(res *replay.Result, f diagnose.Finding) (replay.Run, bool) {
	for _, run := range res.Runs {
		if !run.OK && run.Index == f.Example {
			return run, true
		}
	}
	var best replay.Run
	score := -1
	for _, run := range res.Runs {
		if run.OK {
			continue
		}
		sc := 0
		if run.Crossed {
			sc += 2
		}
		if len(run.Reissued) > 0 {
			sc++
		}
		if sc > score {
			best, score = run, sc
		}
		if sc == 3 {
			break
		}
	}
	return best, score >= 0
}

// writeHops lists one run hop by hop: request → status, who served it, the
// edge's and LB's decisions, and the persistence cookies sent and set.
func writeHops(w io.Writer, p palette, run replay.Run, cookies []string) {
	what := run.Failure
	if run.FailedStep != "" {
		what += " at " + run.FailedStep
	}
	if len(run.Datacenters) > 1 {
		what += "; crossed " + strings.Join(run.Datacenters, " → ")
	}
	fmt.Fprintf(w, "%s  run #%d: %s\n", p.bold("One failed run, hop by hop"), run.Index, what)
	held := map[string]string{}
	for i, h := range run.Hops {
		status := fmt.Sprint(h.Status)
		if h.Status == 0 {
			status = "no answer"
		}
		if h.Failure != "" || h.Status >= 400 {
			status = p.red(status)
		}
		fmt.Fprintf(w, "  %d. %-4s %s → %s  X-Served-By: %s\n", i+1, h.Method, pathOf(h.URL), status, orDash(h.ResponseHeader.Get("X-Served-By")))
		if e := h.ResponseHeader.Get("X-Stickylab-Edge"); e != "" {
			fmt.Fprintf(w, "       edge: %s\n", e)
		}
		if lb := h.ResponseHeader.Get("X-Stickylab-LB"); lb != "" {
			fmt.Fprintf(w, "       lb:   %s\n", lb)
		}
		for _, c := range cookieChanges(h, cookies, held, p) {
			fmt.Fprintf(w, "       %s\n", c)
		}
		if h.Failure != "" {
			fmt.Fprintf(w, "       %s\n", p.red("X-Stickylab-Failure: "+h.Failure))
		}
	}
	if run.Err != "" {
		fmt.Fprintf(w, "  %s\n", p.dim(run.Err))
	}
}

// cookieChanges describes the persistence cookies a hop sent and set,
// marking a value that replaced the one the client held.
func cookieChanges(h replay.Hop, names []string, held map[string]string, p palette) []string {
	var out []string
	sent := map[string]string{}
	for _, c := range (&http.Request{Header: h.RequestHeader}).Cookies() {
		sent[c.Name] = c.Value
	}
	for _, name := range names {
		if v, ok := sent[name]; ok {
			out = append(out, fmt.Sprintf("Cookie: %s=%s", name, short(v)))
		}
	}
	for _, c := range (&http.Response{Header: h.ResponseHeader}).Cookies() {
		if !slices.Contains(names, c.Name) && !slices.Contains(h.Reissued, c.Name) {
			continue
		}
		line := fmt.Sprintf("Set-Cookie: %s=%s", c.Name, short(c.Value))
		if old, ok := held[c.Name]; ok && old != c.Value {
			line = p.yellow(line + "  ← changed: the client held " + short(old))
		}
		held[c.Name] = c.Value
		out = append(out, line)
	}
	return out
}

func short(v string) string {
	if r := []rune(v); len(r) > 18 {
		return string(r[:18]) + "…"
	}
	return v
}

func pathOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Path == "" {
		return raw
	}
	return u.RequestURI()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func pct(f float64) string {
	switch {
	case f == 0:
		return "0 %"
	case f < 0.001:
		return fmt.Sprintf("%.3f %%", 100*f)
	}
	return fmt.Sprintf("%.1f %%", 100*f)
}

// byCount sorts keys by count, highest first, then by name.
func byCount(m map[string]int) []string {
	keys := slices.Collect(maps.Keys(m))
	slices.SortFunc(keys, func(a, b string) int {
		if m[a] != m[b] {
			return m[b] - m[a]
		}
		return strings.Compare(a, b)
	})
	return keys
}
