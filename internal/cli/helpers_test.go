package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/internal/syncbuf"
)

// commandTimeout bounds one in-process command in the tests.
const commandTimeout = 3 * time.Minute

// result is what one in-process command left behind.
type result struct {
	stdout, stderr string
	code           int
}

// syncBuffer is safe to read while a command still writes.
type syncBuffer = syncbuf.Buffer

// testEnv is the environment every command sees in the tests: no colour
// settings from the developer's shell, and a private runtime folder.
func testEnv(t *testing.T) func(string) string {
	dir := t.TempDir()
	return func(k string) string {
		if k == "XDG_RUNTIME_DIR" {
			return dir
		}
		return ""
	}
}

// execute runs the command line in-process and captures its streams.
func execute(t *testing.T, args ...string) result {
	t.Helper()
	return executeCtx(t, t.Context(), testEnv(t), args...)
}

func executeCtx(t *testing.T, ctx context.Context, env func(string) string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, commandTimeout)
	defer cancel()
	var out, errb syncBuffer
	code := Execute(ctx, args, Streams{In: strings.NewReader(""), Out: &out, Err: &errb, Env: env})
	return result{stdout: out.String(), stderr: errb.String(), code: code}
}

// oneErrorLine checks the contract for bad input: exit code, nothing on
// stdout, and exactly one line on stderr that names the problem.
func oneErrorLine(t *testing.T, r result, code int, wants ...string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit code %d, want %d; stderr:\n%s", r.code, code, r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("stdout should be empty, got:\n%s", r.stdout)
	}
	lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "stickylab: ") {
		t.Fatalf("stderr should be one line `stickylab: <error>`, got %d lines:\n%s", len(lines), r.stderr)
	}
	for _, w := range wants {
		if !strings.Contains(lines[0], w) {
			t.Errorf("error %q should mention %q", lines[0], w)
		}
	}
}

// decodeJSON checks stdout is exactly one JSON object and decodes it.
func decodeJSON(t *testing.T, stdout string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(stdout))
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		t.Fatalf("stdout is not a JSON object: %v\n%s", err, stdout)
	}
	if dec.More() {
		t.Fatalf("stdout holds more than one JSON value:\n%s", stdout)
	}
	for _, k := range []string{"runs", "failed", "failure_rate", "ci95_low", "ci95_high", "causes", "datacenters", "diagnosis"} {
		if _, ok := obj[k]; !ok {
			t.Errorf("JSON lacks %q:\n%s", k, stdout)
		}
	}
	return obj
}
