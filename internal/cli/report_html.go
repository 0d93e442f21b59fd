package cli

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/stickylab/stickylab/lab/report"
)

// writeHTMLReport writes the self-contained HTML report (inline SVG charts).
func writeHTMLReport(path, title string, acts []report.Act) error {
	var buf bytes.Buffer
	if err := report.WriteHTMLActs(&buf, title, acts); err != nil {
		return fmt.Errorf("report %s: %w", path, err)
	}
	return writeFile(path, buf.Bytes())
}

// appendChartFiles writes the charts as SVG files next to the Markdown
// report at path and appends a section that links them.
func appendChartFiles(buf *bytes.Buffer, path string, acts []report.Act) error {
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	section, files, err := report.MarkdownCharts(base, acts)
	if err != nil {
		return fmt.Errorf("report %s: %w", path, err)
	}
	for _, f := range files {
		if err := writeFile(filepath.Join(filepath.Dir(path), f.Name), f.SVG); err != nil {
			return err
		}
	}
	buf.WriteString(section)
	return nil
}
