package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stickylab/stickylab/lab/replay/replaytest"
)

// --report picks the format by extension: .html is one self-contained
// page with inline SVG; .md links the same charts written beside it.
func TestReportFormatFollowsTheExtension(t *testing.T) {
	srv, _ := replaytest.NewServer(t, replaytest.Config{Seed: 5})
	dir := t.TempDir()
	page, md := filepath.Join(dir, "r.html"), filepath.Join(dir, "r.md")
	for _, path := range []string{page, md} {
		if r := execute(t, "replay", "--url", srv.URL, "--insecure", "-n", "40", "--report", path); r.code != 0 {
			t.Fatalf("--report %s: exit %d: %s", path, r.code, r.stderr)
		}
	}
	h, err := os.ReadFile(page)
	if err != nil || !strings.HasPrefix(string(h), "<!doctype html>") || strings.Count(string(h), "<svg") < 4 {
		t.Fatalf("%s: %v; want an HTML page with inline SVG charts:\n%.300s", page, err, h)
	}
	m, err := os.ReadFile(md)
	if err != nil || !strings.Contains(string(m), "![") || !strings.Contains(string(m), "(r-failure-rate.svg)") {
		t.Fatalf("%s: %v; want links to its charts:\n%s", md, err, m)
	}
	if svg, err := os.ReadFile(filepath.Join(dir, "r-failure-rate.svg")); err != nil || !strings.Contains(string(svg), "<svg") {
		t.Fatalf("r-failure-rate.svg next to the report: %v", err)
	}
}
