package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/stickylab/stickylab/lab/replay/replaytest"
)

// childEnv makes the test binary run the stickylab command line with its
// arguments instead of the tests: the Ctrl-C test sends it a real SIGINT.
const childEnv = "STICKYLAB_CLI_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(Main())
	}
	os.Exit(m.Run())
}

// Interrupting `run` (here: its context ends after 30 runs, as Ctrl-C ends
// it) still writes the runs it completed to --json, --har and --report,
// marked partial, and exits 130.
func TestInterruptedRunWritesTheCompletedRuns(t *testing.T) {
	const stopAt, planned = 30, 100000
	dir := t.TempDir()
	report, har := filepath.Join(dir, "run.md"), filepath.Join(dir, "run.har")
	ctx, interrupt := context.WithCancel(t.Context())
	defer interrupt()
	var out, errb syncBuffer
	s := Streams{In: strings.NewReader(""), Out: &out, Err: &errb, Env: testEnv(t),
		progress: func(done, _ int) {
			if done == stopAt {
				interrupt()
			}
		}}
	code := Execute(ctx, []string{"run", "-f", incident, "-n", fmt.Sprint(planned), "-c", "4", "--runtime", "local",
		"--json", "--har", har, "--report", report}, s)
	if code != ExitInterrupted {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, ExitInterrupted, errb.String())
	}
	obj := decodeJSON(t, out.String())
	runs := int(obj["runs"].(float64))
	if obj["partial"] != true || obj["planned_runs"] != float64(planned) || runs < stopAt || runs >= stopAt+4 {
		t.Errorf("partial %v, planned_runs %v, runs %d: want true, %d, the %d-%d completed", obj["partial"], obj["planned_runs"], runs,
			planned, stopAt, stopAt+3)
	}
	checkPartialFiles(t, har, report, runs, planned)
	if !strings.Contains(errb.String(), "interrupted") {
		t.Errorf("stderr does not say interrupted:\n%s", errb.String())
	}
}

// checkPartialFiles checks the HAR holds the runs completed and the report's
// banner says how many of how many.
func checkPartialFiles(t *testing.T, har, report string, runs, planned int) {
	t.Helper()
	b, err := os.ReadFile(har)
	if err != nil {
		t.Fatalf("HAR not written: %v", err)
	}
	var doc struct {
		Log struct {
			Pages []struct {
				Run int `json:"_run"`
			} `json:"pages"`
			Partial     bool `json:"_partial"`
			PlannedRuns int  `json:"_plannedRuns"`
		} `json:"log"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("HAR %s: %v", har, err)
	}
	if len(doc.Log.Pages) != runs || !doc.Log.Partial || doc.Log.PlannedRuns != planned {
		t.Errorf("HAR: %d pages, _partial %v, _plannedRuns %d; want %d, true, %d", len(doc.Log.Pages), doc.Log.Partial,
			doc.Log.PlannedRuns, runs, planned)
	}
	md, err := os.ReadFile(report)
	if err != nil {
		t.Fatalf("report not written: %v", err)
	}
	banner := fmt.Sprintf("**Partial report: %d of %d planned runs completed.**", runs, planned)
	if !strings.Contains(string(md), banner) {
		t.Errorf("report lacks the banner %q:\n%s", banner, md)
	}
}

// A real Ctrl-C (SIGINT) to `stickylab replay`: the edge lets 20 runs
// through, then holds every new run; once both workers are held the test
// interrupts the process, which must write those 20 runs, marked partial,
// and exit 130.
func TestCtrlCDuringReplayKeepsTheCompletedRuns(t *testing.T) {
	const through, workers, planned = 20, 2, 1000
	edge := replaytest.New(t, replaytest.Config{Seed: 5})
	var started, held atomic.Int32
	heldAll := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/login" && r.URL.RawQuery == "" && started.Add(1) > through {
			if held.Add(1) == workers {
				close(heldAll)
			}
			<-r.Context().Done()
			return
		}
		edge.ServeHTTP(w, r)
	}))
	defer srv.Close()
	dir := t.TempDir()
	report, har := filepath.Join(dir, "replay.md"), filepath.Join(dir, "replay.har")
	cmd := exec.CommandContext(t.Context(), os.Args[0], "replay", "--url", srv.URL, "-n", fmt.Sprint(planned),
		"-c", fmt.Sprint(workers), "--json", "--har", har, "--report", report)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	var out, errb syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-heldAll:
	case <-t.Context().Done():
		t.Fatal("the replay never reached the held runs")
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != ExitInterrupted {
		t.Fatalf("exit %d (%v), want %d; stderr:\n%s", code, err, ExitInterrupted, errb.String())
	}
	obj := decodeJSON(t, out.String())
	if obj["partial"] != true || obj["runs"] != float64(through) || obj["planned_runs"] != float64(planned) || obj["dropped_runs"] != float64(workers) {
		t.Errorf("partial %v, runs %v, planned_runs %v, dropped_runs %v; want true, %d, %d, %d",
			obj["partial"], obj["runs"], obj["planned_runs"], obj["dropped_runs"], through, planned, workers)
	}
	checkPartialFiles(t, har, report, through, planned)
}

// Interrupting the demo in act 2 still writes the report: act 1 whole, the
// runs act 2 completed, act 3 marked not played, and a banner with the count.
func TestInterruptedDemoReportsTheActsPlayed(t *testing.T) {
	const perAct, intoAct2 = 40, 10
	report := filepath.Join(t.TempDir(), "demo.md")
	ctx, interrupt := context.WithCancel(t.Context())
	defer interrupt()
	var out, errb syncBuffer
	var calls atomic.Int32
	s := Streams{In: strings.NewReader(""), Out: &out, Err: &errb, Env: testEnv(t),
		progress: func(int, int) {
			if calls.Add(1) == perAct+intoAct2 {
				interrupt()
			}
		}}
	code := Execute(ctx, []string{"demo", "--no-pause", "--runtime", "local", "-n", fmt.Sprint(perAct), "--report", report}, s)
	if code != ExitInterrupted {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, ExitInterrupted, errb.String())
	}
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatalf("report not written: %v", err)
	}
	md := string(b)
	for _, want := range []string{"## Act 1", "| login | 40 | 0 |", "## Act 2", "_Partial: ", "of 40 planned runs completed; interrupted: context canceled",
		"## Act 3 — not played\n\n_Not played: 0 of 40 planned runs completed; interrupted: context canceled._",
		"of 120 planned runs completed.** The replay was interrupted (context canceled)"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
}

// For people, an interrupted run says first that its figures are partial.
func TestInterruptedRunSaysPartialToPeople(t *testing.T) {
	ctx, interrupt := context.WithCancel(t.Context())
	defer interrupt()
	var out, errb syncBuffer
	s := Streams{In: strings.NewReader(""), Out: &out, Err: &errb, Env: testEnv(t),
		progress: func(done, _ int) {
			if done == 20 {
				interrupt()
			}
		}}
	code := Execute(ctx, []string{"run", "-f", incident, "-n", "100000", "-c", "2", "--runtime", "local"}, s)
	if code != ExitInterrupted {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, ExitInterrupted, errb.String())
	}
	stdout := out.String()
	partial := strings.Index(stdout, "partial: interrupted (context canceled) after ")
	table := strings.Index(stdout, "failure rate")
	if partial < 0 || table < partial || !strings.Contains(stdout, "of 100000 runs; the figures below cover those") {
		t.Errorf("stdout should say partial before the result table:\n%s", stdout)
	}
}
