package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/report"
	"github.com/stickylab/stickylab/lab/topology"
)

// act is one replay in a report, with its heading and story (the demo has
// three; run and replay have one with no heading).
type act struct {
	Title, Story string
	Outcome      outcome
	Topology     topology.Topology // zero when unknown
}

// checkOutputs fails before anything starts when an output file could not
// be written: its folder must exist.
func checkOutputs(paths ...string) error {
	for _, p := range paths {
		if p == "" {
			continue
		}
		dir := filepath.Dir(p)
		fi, err := os.Stat(dir)
		if err != nil {
			return badInput("cannot write %s: %w", p, err)
		}
		if !fi.IsDir() {
			return badInput("cannot write %s: %s is not a folder", p, dir)
		}
	}
	return nil
}

// writeHAR writes every hop of every run as HAR 1.2.
func writeHAR(path string, res *replay.Result) error {
	var buf bytes.Buffer
	if err := report.WriteHAR(&buf, res); err != nil {
		return fmt.Errorf("HAR %s: %w", path, err)
	}
	return writeFile(path, buf.Bytes())
}

// writeReportFile writes the report of one or more acts: a self-contained
// HTML page for .html, else Markdown with its charts as SVG files beside it.
func writeReportFile(path, title string, acts []act) error {
	var ras []report.Act
	for _, a := range acts {
		ras = append(ras, report.Act{Title: a.Title, Narrative: a.Story, Result: a.Outcome.Result,
			Finding: a.Outcome.Finding, Model: a.Outcome.Model})
	}
	if ext := strings.ToLower(filepath.Ext(path)); ext == ".html" || ext == ".htm" {
		return writeHTMLReport(path, title, ras)
	}
	var buf bytes.Buffer
	if err := report.WriteMarkdownActs(&buf, title, ras); err != nil {
		return fmt.Errorf("report %s: %w", path, err)
	}
	if err := appendChartFiles(&buf, path, ras); err != nil {
		return err
	}
	return writeFile(path, buf.Bytes())
}

func writeFile(path string, data []byte) error {
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
