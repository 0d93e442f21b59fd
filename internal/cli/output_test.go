package cli

import (
	"bytes"
	"strings"
	"testing"

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
