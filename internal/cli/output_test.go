package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stickylab/stickylab/lab/diagnose"
	"github.com/stickylab/stickylab/lab/replay/replaytest"
	"github.com/stickylab/stickylab/lab/stats"
	"github.com/stickylab/stickylab/lab/topology"
)

func TestDiagram(t *testing.T) {
	var b bytes.Buffer
	writeDiagram(&b, palette{}, topology.Default(), map[string]string{"dc-west": "stopped"})
	got := b.String()
	for _, w := range []string{
		"client ──▶ edge [no persistence] ─┬─▶ dc-east LB [lbs cookie] ──▶ dc-east-1, dc-east-2\n",
		"                                  └─▶ dc-west LB [lbs cookie] ──▶ dc-west-1, dc-west-2  (stopped)\n",
		"edge: random selection, passthrough when one datacenter is up; LBs: round-robin, f5-encrypted cookie; machine key per datacenter; sessions in memory",
	} {
		if !strings.Contains(got, w) {
			t.Errorf("diagram lacks\n%s\ngot:\n%s", w, got)
		}
	}
}

func TestPaletteRespectsNoColor(t *testing.T) {
	s := Streams{Out: &bytes.Buffer{}, Env: func(k string) string { return map[string]string{"NO_COLOR": "1"}[k] }}
	if newPalette(s).on {
		t.Error("colour on with NO_COLOR set")
	}
	if newPalette(Streams{Out: &bytes.Buffer{}}).on {
		t.Error("colour on for a buffer, which is no terminal")
	}
}

func TestWrap(t *testing.T) {
	lines := wrap(strings.Repeat("word ", 50), 20)
	for _, l := range lines {
		if len(l) > 20 {
			t.Errorf("line %q longer than 20", l)
		}
	}
}

// The table states the interval and verdict the diagnosis used, at its
// level: a finding judged at 99.9 % is not contradicted by a 95 % table.
func TestTableStatesTheFindingsInterval(t *testing.T) {
	res := replaytest.Incident(300, 4, true)
	s := res.Summary()
	_, hi95 := stats.Wilson(s.Failures, s.Runs, 0.95)
	_, hi999 := stats.Wilson(s.Failures, s.Runs, 0.999)
	m := stats.Model{Applies: true, FailureRate: (hi95 + hi999) / 2, Formula: "1 − Σ wᵢ³", Why: "per-request choice"}
	o := outcome{Analysis: diagnose.Analyse(res, &m, diagnose.WithConfidence(0.999))}
	var b bytes.Buffer
	writeTable(&b, palette{}, o)
	got := b.String()
	for _, w := range []string{"99.9 % CI " + rateText(o.Finding.CILow) + " – " + rateText(o.Finding.CIHigh), "agrees: inside the 99.9 % interval"} {
		if !strings.Contains(got, w) {
			t.Errorf("table lacks %q:\n%s", w, got)
		}
	}
	if strings.Contains(got, "95 %") || strings.Contains(got, "outside") {
		t.Errorf("table judges at another level:\n%s", got)
	}
}
