package dashboard

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/lab/replay"
)

var t0 = time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)

// A change starts a new epoch: runs that started before it count in the
// totals but not since the change, even when they end after it.
func TestRunsCountSinceTheChangeTheyStartedAfter(t *testing.T) {
	tr := newTracker(t0)
	before := tr.Epoch()
	tr.Add(before, replay.Run{OK: false, Failure: replay.AntiforgeryUndecryptable, Start: t0})
	tr.Mark("edge persistence → cookie", t0.Add(time.Second))
	tr.Add(before, replay.Run{OK: false, Failure: replay.SessionMissing, Start: t0}) // in flight during the change
	after := tr.Epoch()
	tr.Add(after, replay.Run{OK: true, Start: t0.Add(2 * time.Second)})
	tr.Add(after, replay.Run{OK: true, Start: t0.Add(2 * time.Second)})

	c := countsOf(tr.view())
	if c.Runs != 4 || c.Failures != 2 {
		t.Errorf("all runs: %d failed of %d, want 2 of 4", c.Failures, c.Runs)
	}
	if c.SinceRuns != 2 || c.SinceFailed != 0 || c.Since != "edge persistence → cookie" {
		t.Errorf("since the change: %d failed of %d since %q, want 0 of 2 since the switch", c.SinceFailed, c.SinceRuns, c.Since)
	}
	if got := tr.view().Failed; len(got) != 2 || got[1].Index != 2 {
		t.Errorf("failed runs %+v: want the two failures, numbered 1 and 2 in the order they ended", got)
	}
}

func TestResetForgetsRunsAndMarks(t *testing.T) {
	tr := newTracker(t0)
	tr.Add(tr.Epoch(), replay.Run{OK: false, Start: t0})
	tr.Mark("stop dc-west", t0)
	old := tr.Epoch()
	tr.Reset(t0.Add(time.Minute))
	tr.Add(old, replay.Run{OK: false, Start: t0}) // ended after the reset, started before
	v := tr.view()
	if v.Total.Runs != 1 || v.Current.Runs != 0 || len(v.Marks) != 0 {
		t.Errorf("after reset: %d runs, %d since, %d marks; want 1, 0, 0", v.Total.Runs, v.Current.Runs, len(v.Marks))
	}
}

func TestFailedRunsKeepOnlyTheLatest(t *testing.T) {
	tr := newTracker(t0)
	for range maxFailed + 3 {
		tr.Add(0, replay.Run{Start: t0})
	}
	v := tr.view()
	if len(v.Failed) != maxFailed || v.Failed[0].Index != 4 {
		t.Errorf("kept %d failed runs from #%d, want the last %d (from #4)", len(v.Failed), v.Failed[0].Index, maxFailed)
	}
}

// The cookie a server re-issued is marked; the others are not.
func TestHopHighlightsTheReissuedCookie(t *testing.T) {
	h := replay.Hop{Step: "sign-in", Method: "POST", URL: "http://127.0.0.1:1/login?x=1", Status: 500,
		ResponseHeader: http.Header{"Set-Cookie": {"lbs=!bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb; Path=/", "PaymentControls=0"}},
		Reissued:       []string{"lbs"}}
	v := viewHop(h)
	if v.Path != "/login?x=1" || len(v.Cookies) != 2 {
		t.Fatalf("hop view %+v", v)
	}
	if !v.Cookies[0].Changed || v.Cookies[1].Changed {
		t.Errorf("cookies %+v: want lbs changed, PaymentControls not", v.Cookies)
	}
	if !strings.HasSuffix(v.Cookies[0].Value, "…") {
		t.Errorf("a long value should be shortened: %q", v.Cookies[0].Value)
	}
}

// The chart is an inline SVG with the change's label on it.
func TestChartDrawsTheRateAndTheChanges(t *testing.T) {
	tr := newTracker(t0)
	for i := range 40 {
		tr.Add(0, replay.Run{OK: i%4 == 0, Start: t0.Add(time.Duration(i) * 250 * time.Millisecond)})
	}
	tr.Mark("edge persistence → cookie", t0.Add(10*time.Second))
	svg, err := rateChart(tr.view(), t0.Add(12*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(svg, "<svg") || !strings.Contains(svg, "edge persistence → cookie") {
		t.Errorf("want an inline SVG naming the change, got %.200s…", svg)
	}
}

// Requests per second are measured over about a second, not between two
// snapshots a few milliseconds apart.
func TestRatesSpanAtLeastTheWindow(t *testing.T) {
	var r rates
	r.perSecond(t0, map[string]int64{"dc-east": 0})
	if got := r.perSecond(t0.Add(time.Second), map[string]int64{"dc-east": 100}); got["dc-east"] != 100 {
		t.Errorf("100 requests in 1s: %v/s", got["dc-east"])
	}
	if got := r.perSecond(t0.Add(time.Second+5*time.Millisecond), map[string]int64{"dc-east": 103}); got["dc-east"] != 100 {
		t.Errorf("5ms later the rate should stay 100/s, got %v/s", got["dc-east"])
	}
}
