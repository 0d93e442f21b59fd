package report

import (
	"fmt"
	"strings"
)

// ChartFile is a chart saved next to a Markdown report.
type ChartFile struct {
	Name string // file name, relative to the report's folder
	SVG  []byte
}

// MarkdownCharts draws the charts of every act for a Markdown report named
// base (e.g. "report" for report.md): it returns a "Charts" section that
// links them, and the SVG files to write next to the report
// (report-failure-rate.svg, or report-2-failure-rate.svg for the second act).
func MarkdownCharts(base string, acts []Act) (string, []ChartFile, error) {
	var b strings.Builder
	var files []ChartFile
	b.WriteString("## Charts\n\n")
	for i, a := range acts {
		charts, err := Charts(a.Result)
		if err != nil {
			return "", nil, err
		}
		if len(charts) == 0 {
			continue
		}
		prefix := base
		if len(acts) > 1 {
			prefix = fmt.Sprintf("%s-%d", base, i+1)
			title := a.Title
			if title == "" {
				title = fmt.Sprintf("Part %d", i+1)
			}
			fmt.Fprintf(&b, "### %s\n\n", title)
		}
		for _, c := range charts {
			name := prefix + "-" + c.Name + ".svg"
			files = append(files, ChartFile{Name: name, SVG: c.SVG})
			fmt.Fprintf(&b, "![%s](%s)\n\n", c.Title, name)
		}
	}
	if len(files) == 0 {
		return "", nil, nil
	}
	return b.String(), files, nil
}
