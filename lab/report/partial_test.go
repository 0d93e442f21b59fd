package report_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stickylab/stickylab/lab/diagnose"
	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/replay/replaytest"
	"github.com/stickylab/stickylab/lab/report"
)

// interrupted is a replay of 200 planned runs stopped by Ctrl-C after 20
// started, of which the last 2 were cut mid-flow.
func interrupted() *replay.Result {
	res := replaytest.Incident(20, 2, true)
	res.Planned, res.Interrupted = 200, "context canceled"
	for i := 18; i < 20; i++ {
		res.Runs[i].OK, res.Runs[i].Failure, res.Runs[i].Interrupted = false, replay.Timeout, true
	}
	return res
}

func TestPartialJSONCountsTheCompletedRuns(t *testing.T) {
	res := interrupted()
	got := report.JSON(res, diagnose.Diagnose(res), nil)
	if !got.Partial || got.PlannedRuns != 200 || got.Runs != 18 || got.DroppedRuns != 2 || got.Interrupted != "context canceled" {
		t.Errorf("partial %v, planned %d, runs %d, dropped %d, interrupted %q; want true, 200, 18, 2, context canceled",
			got.Partial, got.PlannedRuns, got.Runs, got.DroppedRuns, got.Interrupted)
	}
	if got.Causes[replay.Timeout] != 0 {
		t.Errorf("runs cut by the interruption counted as timeouts: %v", got.Causes)
	}
	whole := report.JSON(replaytest.Incident(20, 2, true), diagnose.Finding{}, nil)
	if whole.Partial {
		t.Error("a replay that ran to its end is marked partial")
	}
}

func TestPartialHARHoldsTheCompletedRuns(t *testing.T) {
	log := harOf(t, interrupted())["log"].(map[string]any)
	if errs := harSchema.check(map[string]any{"log": log}, "$"); len(errs) > 0 {
		t.Fatalf("HAR violates the 1.2 schema:\n%s", strings.Join(errs, "\n"))
	}
	if n := len(log["pages"].([]any)); n != 18 {
		t.Errorf("%d pages, want the 18 completed runs", n)
	}
	if log["_partial"] != true || log["_plannedRuns"] != 200.0 || !strings.Contains(log["comment"].(string), "18 of 200 planned runs completed") {
		t.Errorf("_partial %v, _plannedRuns %v, comment %q", log["_partial"], log["_plannedRuns"], log["comment"])
	}
}

func TestPartialMarkdownSaysHowManyRunsOfHowMany(t *testing.T) {
	res := interrupted()
	unplayed := &replay.Result{Flow: "login", Planned: 200, Interrupted: "context canceled"}
	var buf bytes.Buffer
	err := report.WriteMarkdownActs(&buf, "The demo", []report.Act{
		{Title: "Act 1", Result: res, Finding: diagnose.Diagnose(res)},
		{Title: "Act 2", Result: unplayed},
	})
	if err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"> **Partial report: 18 of 400 planned runs completed.** The replay was interrupted (context canceled)",
		"_Partial: 18 of 200 planned runs completed; interrupted: context canceled; 2 runs cut mid-flow are not counted._",
		"| login | 18 |",
		"## Act 2\n\n_Not played: 0 of 200 planned runs completed; interrupted: context canceled._",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	buf.Reset()
	if err := report.WriteMarkdown(&buf, replaytest.Incident(20, 2, true), diagnose.Finding{}, nil); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "Partial") {
		t.Errorf("a complete replay's report mentions Partial:\n%s", buf.String())
	}
}
