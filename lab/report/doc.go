// Package report writes a replay out for people and tools: a HAR 1.2 file
// that opens in browser devtools, a Markdown report with Mermaid sequence
// diagrams that renders on a code host, and the --json summary.
package report
