package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

// summarize turns the events read from r into plain go test output on out
// (build errors on errs) with a SKIP line per skipped test. It reports
// whether anything failed.
func summarize(r io.Reader, out, errs io.Writer) (failed bool, err error) {
	held := map[string][]string{} // package + test -> its output so far
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if json.Unmarshal(line, &e) != nil || e.Action == "" {
			fmt.Fprintf(out, "%s\n", line) // not an event: pass it on
			continue
		}
		key := e.Package + "\x00" + e.Test
		switch {
		case e.Action == "build-output":
			fmt.Fprint(errs, e.Output)
		case e.Action == "build-fail":
			failed = true
		case e.Action == "output" && e.Test != "":
			held[key] = append(held[key], e.Output)
		case e.Action == "output":
			if e.Output != "PASS\n" && !strings.HasPrefix(e.Output, "testing: warning: no tests to run") {
				fmt.Fprint(out, e.Output)
			}
		case e.Action == "skip" && e.Test != "":
			fmt.Fprintf(out, "SKIP %s %s%s\n", e.Package, e.Test, reason(held[key]))
			delete(held, key)
		case e.Action == "fail":
			failed = true
			for _, l := range held[key] {
				if !strings.HasPrefix(l, "=== ") {
					fmt.Fprint(out, l)
				}
			}
			delete(held, key)
		case e.Action == "pass":
			delete(held, key)
		}
	}
	if err := sc.Err(); err != nil {
		return failed, fmt.Errorf("read go test -json: %w", err)
	}
	if failed {
		fmt.Fprintln(out, "FAIL") // go test's closing line when anything failed
	}
	return failed, nil
}

// reason is what a skipped test said, on one line: ": no Docker engine: …".
func reason(lines []string) string {
	var said []string
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "=== ") || strings.HasPrefix(l, "--- SKIP") {
			continue
		}
		// "docker_test.go:31: no Docker engine: …" -> "no Docker engine: …"
		if file, msg, ok := strings.Cut(l, ": "); ok && strings.Contains(file, ".go:") && !strings.Contains(file, " ") {
			l = msg
		}
		said = append(said, l)
	}
	if len(said) == 0 {
		return " (no reason given)"
	}
	return ": " + strings.Join(said, " ")
}
