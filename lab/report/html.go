package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/stickylab/stickylab/lab/diagnose"
	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/stats"
)

//go:embed html.tmpl
var htmlSource string

var htmlPage = template.Must(template.New("report").Parse(htmlSource))

// WriteHTML writes a self-contained HTML report of one replay: the same
// sections as WriteMarkdown, with the charts and sequence diagrams drawn as
// inline SVG (no script, no external file, works offline).
func WriteHTML(w io.Writer, res *replay.Result, finding diagnose.Finding, model *stats.Model) error {
	flow := ""
	if res != nil {
		flow = res.Flow
	}
	return WriteHTMLActs(w, "stickylab report: "+flow, []Act{{Result: res, Finding: finding, Model: model}})
}

// WriteHTMLActs writes one page with a section per act.
func WriteHTMLActs(w io.Writer, title string, acts []Act) error {
	page := htmlView{Title: title, Generated: time.Now().UTC().Format(time.RFC1123)}
	for _, a := range acts {
		v, err := newActView(a)
		if err != nil {
			return fmt.Errorf("write HTML: %w", err)
		}
		page.Acts = append(page.Acts, v)
	}
	if err := htmlPage.Execute(w, page); err != nil {
		return fmt.Errorf("write HTML: %w", err)
	}
	return nil
}

type htmlView struct {
	Title, Generated string
	Acts             []actView
}

type actView struct {
	Title      string
	Narrative  []string // paragraphs
	Summary    summaryView
	Charts     map[string]chartView
	Landing    []countView // datacenters
	Instances  []countView
	Causes     []countView
	Kind, Text string
	Sequences  []sequenceView
}

type summaryView struct {
	Flow, Rate, CI, Expected, Against string
	Runs, Failures                    int
}

type chartView struct {
	Title string
	SVG   template.HTML
}

type countView struct {
	Name  string
	Count int
	Share string
}

type sequenceView struct {
	Caption string
	SVG     template.HTML
	Mermaid string
	Failed  bool
}

func newActView(a Act) (actView, error) {
	s := a.Result.Summary()
	v := actView{Title: a.Title, Kind: string(a.Finding.Kind), Text: a.Finding.Text, Charts: map[string]chartView{}}
	for _, p := range strings.Split(strings.TrimSpace(a.Narrative), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			v.Narrative = append(v.Narrative, p)
		}
	}
	v.Summary = summaryView{Runs: s.Runs, Failures: s.Failures, Rate: diagnose.Pct(s.FailureRate),
		CI: diagnose.CI(s.CILow, s.CIHigh), Expected: expected(a.Model)}
	if res := a.Result; res != nil {
		v.Summary.Flow = res.Flow
		conn := "fresh per run"
		if res.Reused {
			conn = "reused"
		}
		v.Summary.Against = fmt.Sprintf("Replayed against %s, concurrency %d, connections %s, in %s. Failed runs that crossed datacenters: %d; successful runs that crossed: %d.",
			res.BaseURL, res.Concurrency, conn, res.Elapsed.Round(time.Millisecond), s.CrossedFailed, s.CrossedOK)
		if res.Rule != "" {
			v.Summary.Against += fmt.Sprintf(" Stop rule %s: decision %s.", res.Rule, res.Decision)
		}
	}
	charts, err := Charts(a.Result)
	if err != nil {
		return v, err
	}
	for _, c := range charts {
		v.Charts[c.Name] = chartView{Title: c.Title, SVG: template.HTML(c.Inline())} // gonum escapes every text
	}
	v.Landing, v.Instances, v.Causes = countViews(s.Datacenters), countViews(s.Instances), countViews(s.Causes)
	if a.Result != nil {
		for _, run := range exampleRuns(a.Result, a.Finding) {
			svg, err := SequenceSVG(run)
			if err != nil {
				return v, err
			}
			v.Sequences = append(v.Sequences, sequenceView{Caption: runCaption(run), Failed: !run.OK,
				SVG: template.HTML(Chart{SVG: svg}.Inline()), Mermaid: Sequence(run)})
		}
	}
	return v, nil
}

func expected(model *stats.Model) string {
	switch {
	case model == nil:
		return "—"
	case model.Applies:
		return fmt.Sprintf("%s (%s)", diagnose.Pct(model.FailureRate), model.Formula)
	default:
		return "n/a: " + model.Why
	}
}

func countViews(m map[string]int) []countView {
	total := 0
	for _, n := range m {
		total += n
	}
	var out []countView
	for _, k := range sortedKeys(m) {
		out = append(out, countView{Name: k, Count: m[k], Share: diagnose.Pct(float64(m[k]) / float64(max(total, 1)))})
	}
	return out
}

// exampleRuns is the finding's failed example (else the first failed run)
// and the first successful run, as in the Markdown report.
func exampleRuns(res *replay.Result, finding diagnose.Finding) []replay.Run {
	var failed, ok *replay.Run
	for i := range res.Runs {
		run := &res.Runs[i]
		switch {
		case !run.OK && (failed == nil || run.Index == finding.Example):
			failed = run
		case run.OK && ok == nil:
			ok = run
		}
	}
	var out []replay.Run
	for _, r := range []*replay.Run{failed, ok} {
		if r != nil {
			out = append(out, *r)
		}
	}
	return out
}

func runCaption(run replay.Run) string {
	verdict := "succeeded"
	if !run.OK {
		verdict = fmt.Sprintf("failed with %s at step %s", run.Failure, run.FailedStep)
	}
	return fmt.Sprintf("Run %d %s (datacenters: %s).", run.Index, verdict, strings.Join(run.Datacenters, " → "))
}
