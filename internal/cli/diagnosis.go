package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/stickylab/stickylab/lab/diagnose"
)

// writeDiagnosis prints the finding under its kind, wrapped for a terminal.
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
