package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/lab/stats"
)

// These tests bring real labs up on the local runtime (in-process, fast).

func TestRunJSONLocal(t *testing.T) {
	r := execute(t, "run", "-f", incident, "-n", "400", "--runtime", "local", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
	}
	obj := decodeJSON(t, r.stdout)
	runs, failed := int(obj["runs"].(float64)), int(obj["failed"].(float64))
	if runs != 400 {
		t.Fatalf("runs = %d, want 400", runs)
	}
	exp, ok := obj["expected_failure_rate"].(float64)
	if !ok || exp != 0.75 {
		t.Fatalf("expected_failure_rate = %v, want 0.75", obj["expected_failure_rate"])
	}
	// A 99.9 % interval: this test may fail by chance once in a thousand runs.
	if lo, hi := stats.Wilson(failed, runs, 0.999); exp < lo || exp > hi {
		t.Errorf("%d of %d failed; the model's 0.75 is outside the 99.9 %% interval [%.3f, %.3f]", failed, runs, lo, hi)
	}
	if dcs, _ := obj["datacenters"].(map[string]any); len(dcs) != 2 {
		t.Errorf("datacenters = %v, want dc-east and dc-west", obj["datacenters"])
	}
	if d, _ := obj["diagnosis"].(string); d == "" {
		t.Error("empty diagnosis")
	}
}

func TestRunHumanLocal(t *testing.T) {
	dir := t.TempDir()
	report, har := filepath.Join(dir, "run.md"), filepath.Join(dir, "run.har")
	r := execute(t, "run", "-f", incident, "-n", "60", "--runtime", "local", "--report", report, "--har", har)
	if r.code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
	}
	for _, w := range []string{"client ──▶ edge", "dc-east LB [lbs cookie]", "dc-west-1, dc-west-2",
		"failure rate", "expected", "75.0 %", "requests served", "Diagnosis", "One failed run, hop by hop", "Set-Cookie: lbs="} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("output lacks %q:\n%s", w, r.stdout)
		}
	}
	for _, f := range []string{report, har} {
		if fi, err := os.Stat(f); err != nil || fi.Size() == 0 {
			t.Errorf("%s not written: %v", f, err)
		}
	}
}

func TestDemoLocal(t *testing.T) {
	report := filepath.Join(t.TempDir(), "demo.md")
	start := time.Now()
	r := execute(t, "demo", "--no-pause", "--runtime", "local", "--report", report)
	if r.code != 0 {
		t.Fatalf("exit %d; stderr:\n%s\nstdout:\n%s", r.code, r.stderr, r.stdout)
	}
	t.Logf("demo took %s", time.Since(start))
	for _, w := range []string{"Act 1", "Act 2", "Act 3", "200 of 200 logins worked", "logins failed", "the model predicts 75.0 %",
		"One failed run, hop by hop", "← changed", "is below", "Summary"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("demo output lacks %q", w)
		}
	}
	if n := strings.Count(r.stdout, "200 of 200 logins worked"); n != 2 {
		t.Errorf("acts 1 and 3 should have no failure; %d of them had none", n)
	}
	md, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"## Act 1", "## Act 2", "## Act 3"} {
		if !strings.Contains(string(md), w) {
			t.Errorf("report lacks %q", w)
		}
	}
	if t.Failed() {
		t.Logf("stdout:\n%s", r.stdout)
	}
}

// up keeps a lab running; ctl changes it through the admin APIs and the
// control endpoint; Ctrl-C (here: cancelling the context) tears it down.
func TestUpAndCtlLocal(t *testing.T) {
	up := upInBackground(t)
	env, statePath, st := up.env, up.statePath, up.state
	if !strings.HasPrefix(st.EdgeURL, "http://127.0.0.1:") || st.CAFile != "" {
		t.Errorf("--tls=false: edge %s, CA %q", st.EdgeURL, st.CAFile)
	}
	steps := []struct {
		args  []string
		wants []string
	}{
		{[]string{"status"}, []string{"edge", "dc-east", "dc-west"}},
		{[]string{"persistence", "edge", "cookie"}, []string{"edge: persistence none → cookie"}},
		{[]string{"persistence", "dc-east", "none"}, []string{"dc-east: persistence cookie → none"}},
		{[]string{"stop", "dc-west"}, []string{"stop dc-west: done", "dc-west"}},
		{[]string{"start", "dc-west"}, []string{"start dc-west: done"}},
		{[]string{"partition", "dc-west"}, []string{"partition dc-west: done"}},
		{[]string{"heal", "dc-west"}, []string{"heal dc-west: done"}},
		{[]string{"latency", "dc-west", "50ms"}, []string{"latency dc-west latency=50ms: done", "jitter=0 latency=50"}},
		{[]string{"rotate-key", "dc-east"}, []string{"dc-east: key generation 0 → 1"}},
		{[]string{"kill", "dc-east-1"}, []string{"kill dc-east-1: done", "dc-east: member dc-east-1 up, healthy → up, unhealthy"}},
		{[]string{"start", "dc-east-1"}, []string{"start dc-east-1: done"}},
		{[]string{"restart", "dc-east-2"}, []string{"restart dc-east-2: done"}},
		{[]string{"flush", "dc-east-2"}, []string{"flush dc-east-2: done"}},
		{[]string{"toxic", "dc-west", "latency", "latency=300", "jitter=50"}, []string{"link dc-west (edge → dc-west-lb): enabled", "jitter=50 latency=300"}},
		{[]string{"toxic", "dc-west", "bandwidth", "rate=1000"}, []string{"bandwidth\ttype=bandwidth"}},
		{[]string{"toxic", "list"}, []string{"link dc-east (edge → dc-east-lb): enabled, no toxics", "rate=1000"}},
		{[]string{"toxic", "remove", "dc-west", "bandwidth"}, []string{"remove-toxic dc-west name=bandwidth: done"}},
		{[]string{"latency", "dc-west", "0"}, []string{"link dc-west (edge → dc-west-lb): enabled, no toxics"}},
	}
	for _, s := range steps {
		r := executeCtx(t, t.Context(), env, append([]string{"ctl"}, s.args...)...)
		if r.code != 0 {
			t.Errorf("ctl %v: exit %d: %s", s.args, r.code, r.stderr)
			continue
		}
		for _, w := range s.wants {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("ctl %v: output lacks %q:\n%s", s.args, w, r.stdout)
			}
		}
	}
	oneErrorLine(t, executeCtx(t, t.Context(), env, "ctl", "stop", "dc-nowhere"), ExitUsage, "dc-nowhere", "dc-east, dc-west")
	for _, bad := range []struct{ args, wants []string }{
		{[]string{"toxic", "dc-west", "lag"}, []string{`unknown toxic type "lag"`, "bandwidth, latency"}},
		{[]string{"toxic", "dc-west", "latency", "delay=3"}, []string{`unknown argument "delay"`, "latency, jitter"}},
		{[]string{"toxic", "dc-west", "latency", "latency=soon"}, []string{`latency="soon"`}},
		{[]string{"toxic", "dc-nowhere", "latency", "latency=3"}, []string{`no link "dc-nowhere"`, "dc-east, dc-west"}},
		{[]string{"toxic", "remove", "dc-west", "slicer"}, []string{"toxic not found"}},
	} {
		oneErrorLine(t, executeCtx(t, t.Context(), env, append([]string{"ctl"}, bad.args...)...), ExitUsage, bad.wants...)
	}

	r := up.stop()
	if r.code != 0 {
		t.Errorf("up after Ctrl-C: exit %d; stderr:\n%s", r.code, r.stderr)
	}
	for _, w := range []string{"Lab is up", st.EdgeURL, "TLS      off", "stickylab ctl"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("up output lacks %q:\n%s", w, r.stdout)
		}
	}
	if _, err := os.Stat(statePath); err == nil {
		t.Errorf("state file %s left behind", statePath)
	}
}

// labWait bounds waiting for a local lab to come up.
const labWait = 90 * time.Second

// waitFor polls cond until it holds or the timeout passes.
func waitFor(t *testing.T, cond func() bool, timeout time.Duration) bool {
	t.Helper()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(timeout)
	for !cond() {
		select {
		case <-deadline:
			return false
		case <-tick.C:
		}
	}
	return true
}

// runningUp is an `up` a test keeps running in the background.
type runningUp struct {
	env       func(string) string
	statePath string
	state     upState
	stop      func() result // Ctrl-C, once, and what up printed and exited with
}

// upInBackground runs `up` with the incident's topology on the local
// runtime over plain HTTP until the test ends (then Ctrl-C, here cancelling
// its context, tears it down), and returns once its state file exists.
func upInBackground(t *testing.T, args ...string) runningUp {
	t.Helper()
	env := testEnv(t)
	statePath := defaultStatePath(Streams{Env: env})
	ctx, stop := context.WithCancel(t.Context())
	done := make(chan result, 1)
	go func() {
		done <- executeCtx(t, ctx, env, append([]string{"up", "-f", incident, "--runtime", "local", "--tls=false"}, args...)...)
	}()
	var r *result
	finish := func() result {
		if r == nil {
			stop()
			got := <-done
			r = &got
		}
		return *r
	}
	t.Cleanup(func() { finish() })
	if !waitFor(t, func() bool { _, err := os.Stat(statePath); return err == nil }, labWait) {
		finish()
		t.Fatalf("no state file at %s; up exited %d:\n%s\n%s", statePath, r.code, r.stdout, r.stderr)
	}
	st, err := readState(statePath)
	if err != nil {
		t.Fatal(err)
	}
	return runningUp{env: env, statePath: statePath, state: st, stop: finish}
}
