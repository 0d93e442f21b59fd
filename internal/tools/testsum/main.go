// Command testsum reads `go test -json` and prints what plain `go test`
// prints (the output of failed tests, the ok/FAIL line of every package,
// build errors, the closing FAIL), plus one line per skipped test with its
// reason, which plain `go test` hides without -v:
//
//	SKIP github.com/stickylab/stickylab/lab TestTheDockerRuntimeRunsTheSmoke: no Docker engine: …
//
// It exits 1 when a test, a package or a build failed. `make unit` pipes
// into it: go test -json ./... | go run ./internal/tools/testsum
package main

import (
	"fmt"
	"os"
)

func main() {
	failed, err := summarize(os.Stdin, os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testsum:", err)
		os.Exit(2)
	}
	if failed {
		os.Exit(1)
	}
}
