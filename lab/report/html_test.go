package report_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/stickylab/stickylab/lab/diagnose"
	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/replay/replaytest"
	"github.com/stickylab/stickylab/lab/report"
)

// elements parses an HTML page and lists its elements by tag, with their
// id attribute: "figure#failure-rate".
func elements(t *testing.T, page []byte) map[string]int {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatalf("the page does not parse: %v", err)
	}
	found := map[string]int{}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			found[n.Data]++
			for _, a := range n.Attr {
				if a.Key == "id" {
					found[n.Data+"#"+a.Val]++
				}
				if (a.Key == "src" || a.Key == "href") && a.Val != "" {
					found["external:"+a.Val]++
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return found
}

func TestTheHTMLReportIsOnePageWithItsChartsAndSequenceDiagramsAsSVG(t *testing.T) {
	res := replaytest.Incident(400, 3, true)
	var buf bytes.Buffer
	if err := report.WriteHTML(&buf, res, diagnose.Diagnose(res), nil); err != nil {
		t.Fatal(err)
	}
	found := elements(t, buf.Bytes())
	for _, want := range []string{"figure#failure-rate", "figure#datacenters", "figure#instances", "figure#failure-classes"} {
		if found[want] != 1 {
			t.Errorf("want one %s, found %d", want, found[want])
		}
	}
	// Four charts and two sequence diagrams (a failed run, a successful one).
	if found["svg"] != 6 {
		t.Errorf("want 6 inline SVG pictures, found %d", found["svg"])
	}
	for k := range found {
		if k == "script" || strings.HasPrefix(k, "external:") {
			t.Errorf("the page must be self-contained, found %s", k)
		}
	}
	for _, want := range []string{"cross-datacenter", "antiforgery-undecryptable", "dc-east", "re-issued"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("the page does not mention %q", want)
		}
	}
}

func TestEveryChartIsAWellFormedSVGDocument(t *testing.T) {
	charts, err := report.Charts(replaytest.Incident(200, 5, false))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range charts {
		names = append(names, c.Name)
		dec := xml.NewDecoder(bytes.NewReader(c.SVG))
		root := ""
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: not well-formed XML: %v", c.Name, err)
			}
			if se, ok := tok.(xml.StartElement); ok && root == "" {
				root = se.Name.Local
			}
		}
		if root != "svg" || !strings.HasPrefix(c.Inline(), "<svg") {
			t.Errorf("%s: root element %q", c.Name, root)
		}
	}
	if got := strings.Join(names, ","); got != "failure-rate,datacenters,instances,failure-classes" {
		t.Errorf("charts %s", got)
	}
}

func TestAHealthyReplayHasNoFailureClassChart(t *testing.T) {
	run := replaytest.Run(0, "", "", replaytest.Hop("login-page", "GET", "/login", 200, "dc-east/dc-east-1"))
	charts, err := report.Charts(&replay.Result{Flow: "login", Runs: []replay.Run{run}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range charts {
		if c.Name == "failure-classes" {
			t.Error("a replay without failures has a failure-class chart")
		}
	}
}

func TestTheFailureRateIsBinnedPerSecondOfTheRun(t *testing.T) {
	start := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	var runs []replay.Run
	// Second 0: 4 runs, all failed; second 1: none; second 2..9: 2 runs, one failed.
	for i := range 4 {
		runs = append(runs, replay.Run{Index: i, Start: start.Add(time.Duration(i) * 100 * time.Millisecond), Failure: "x"})
	}
	for s := 2; s < 10; s++ {
		at := start.Add(time.Duration(s) * time.Second)
		runs = append(runs, replay.Run{OK: true, Start: at}, replay.Run{Start: at.Add(500 * time.Millisecond), Failure: "x"})
	}
	bins, width := report.RateOverTime(&replay.Result{Started: start, Runs: runs})
	if width != time.Second || len(bins) != 9 {
		t.Fatalf("want 9 one-second bins (second 1 is empty), got %d of %s: %+v", len(bins), width, bins)
	}
	if b := bins[0]; b.Runs != 4 || b.Rate() != 1 || b.From != 0 {
		t.Errorf("second 0: %+v", b)
	}
	if b := bins[1]; b.From != 2*time.Second || b.Runs != 2 || b.Rate() != 0.5 || !(b.Low < 0.5 && b.High > 0.5) {
		t.Errorf("second 2: %+v", b)
	}
}

func TestAShortReplayIsCutIntoTenSlices(t *testing.T) {
	res := replaytest.Incident(100, 1, false) // runs 10 ms apart: 1 s in all
	bins, width := report.RateOverTime(res)
	if width >= time.Second || len(bins) != 10 {
		t.Fatalf("want 10 slices under a second, got %d of %s", len(bins), width)
	}
}

func TestMarkdownChartsAreFilesNextToTheReportAndLinked(t *testing.T) {
	acts := []report.Act{{Title: "Act 1", Result: replaytest.Incident(50, 1, true)}, {Title: "Act 2", Result: replaytest.Incident(50, 2, true)}}
	section, files, err := report.MarkdownCharts("demo", acts)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 8 {
		t.Fatalf("want 4 charts per act, got %d files", len(files))
	}
	for _, f := range files {
		if !strings.Contains(section, "]("+f.Name+")") || !strings.HasSuffix(f.Name, ".svg") {
			t.Errorf("%s is not linked from:\n%s", f.Name, section)
		}
	}
	if files[0].Name != "demo-1-failure-rate.svg" {
		t.Errorf("first file %s", files[0].Name)
	}
}
