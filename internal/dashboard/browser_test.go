package dashboard_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/stickylab/stickylab/internal/browsertest"
	"github.com/stickylab/stickylab/lab/stats"
)

// The runs the test waits for, counted on the page.
const (
	runsBefore = 1000 // without edge persistence: enough to pin the rate near 75 %
	runsAfter  = 500  // with it: every one of these new runs must succeed
	users      = 4    // few enough to keep a shared 2-core machine's health checks answering
	// pageTimeout is a safety net for the whole browser session, not an
	// assertion: the test waits for counts, never for time.
	pageTimeout = 5 * time.Minute
)

// noPollTimeout turns off Poll's own 30 s limit: the test waits for counts,
// however long a busy machine takes; pageTimeout is the only bound.
var noPollTimeout = chromedp.WithPollingTimeout(0)

// pageCounts is what the page shows for the runs since the last change.
type pageCounts struct {
	Runs   int    `json:"runs"`
	Failed int    `json:"failed"`
	Since  string `json:"since"`
}

const readCounts = `({
	runs: Number(document.getElementById("epoch-runs").textContent),
	failed: Number(document.getElementById("epoch-failed").textContent),
	since: document.getElementById("since").textContent,
})`

// TestTeacherDemoInABrowser runs the teacher's demo from the page on the
// local runtime: start traffic, see about 75 % of logins fail, switch edge
// persistence to cookie on the page, and see every new run succeed.
func TestTeacherDemoInABrowser(t *testing.T) {
	browsertest.ChromiumPath(t) // skip early, before the lab starts
	l, d := upDashboard(t)
	ctx, cancel := context.WithTimeout(browsertest.Start(t, t.Context(), 1280, 900), pageTimeout)
	defer cancel()

	if err := chromedp.Do(ctx,
		chromedp.Navigate(d.URL()),
		chromedp.WaitVisible(chromedp.CSS("#node-edge")), // the first snapshot arrived
		chromedp.SetValue(chromedp.ID("users"), fmt.Sprint(users)),
		chromedp.Click(chromedp.ID("start-traffic")),
	); err != nil {
		t.Fatalf("open the dashboard and start traffic: %v", err)
	}

	before := waitForRuns(t, ctx, "start", runsBefore)
	lo, hi := stats.Wilson(before.Failed, before.Runs, 0.999)
	t.Logf("no edge persistence: %d of %d runs failed (99.9 %% interval %.1f–%.1f %%)", before.Failed, before.Runs, 100*lo, 100*hi)
	if lo > 0.75 || hi < 0.75 {
		t.Errorf("failure rate %d/%d: want about 75 %% (inside the 99.9 %% interval), got %.1f–%.1f %%", before.Failed, before.Runs, 100*lo, 100*hi)
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#failed details[open] mark"))); err != nil {
		t.Errorf("the latest failed run should show a re-issued cookie highlighted: %v", err)
	}
	screenshot(t, ctx, "dashboard-failing.png")

	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("persist-edge-cookie"))); err != nil {
		t.Fatalf("switch edge persistence to cookie: %v", err)
	}
	after := waitForRuns(t, ctx, "edge persistence → cookie", runsAfter)
	t.Logf("edge persistence cookie: %d of %d new runs failed", after.Failed, after.Runs)
	screenshot(t, ctx, "dashboard-fixed.png")
	if after.Failed != 0 {
		// Seen only on an overloaded machine (-race, busy CPUs): health checks
		// time out, the edge sees one datacenter, passes through without its
		// cookie, and the next request may cross. The screenshot shows it.
		t.Errorf("with edge persistence, %d of the first %d new runs failed; want 0 (see dashboard-fixed.png: hops with edge: passthrough mean health checks flapped)", after.Failed, after.Runs)
	}
	if got := edgePersistence(t, l); got != "cookie" {
		t.Errorf("the page's switch did not reach the edge: persistence %q", got)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("stop-traffic"))); err != nil {
		t.Errorf("stop traffic: %v", err)
	}

	t.Run("a page of another local origin cannot change the lab", func(t *testing.T) {
		attacker := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprintf(w, attackerPage, d.URL(), testToken)
		}))
		defer attacker.Close()
		if err := chromedp.Do(ctx, chromedp.Navigate(attacker.URL)); err != nil {
			t.Fatalf("open the attacker's page at %s: %v", attacker.URL, err)
		}
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`window.done === true && window.formDone === true`, noPollTimeout)); err != nil {
			t.Fatalf("run the attacker's page at %s: %v", attacker.URL, err)
		}
		leaked, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.leak !== undefined`))
		if err != nil {
			t.Fatal(err)
		}
		if leaked {
			t.Errorf("the page at %s read the dashboard's page (and its token)", attacker.URL)
		}
		if got := edgePersistence(t, l); got != "cookie" {
			t.Errorf("the page at %s changed the edge's persistence to %q", attacker.URL, got)
		}
	})
}

// waitForRuns waits until the page counts at least n runs since the change
// named since, and returns what it shows.
func waitForRuns(t *testing.T, ctx context.Context, since string, n int) pageCounts {
	t.Helper()
	cond := fmt.Sprintf(`document.getElementById("since").textContent === %q && Number(document.getElementById("epoch-runs").textContent) >= %d`, since, n)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](cond, noPollTimeout)); err != nil {
		c, _ := chromedp.Run(ctx, chromedp.Evaluate[pageCounts](readCounts))
		t.Fatalf("waiting for %d runs since %q: %v (the page shows %+v)", n, since, err, c)
	}
	c, err := chromedp.Run(ctx, chromedp.Evaluate[pageCounts](readCounts))
	if err != nil {
		t.Fatalf("read the counts: %v", err)
	}
	return c
}

func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	browsertest.Artifact(t, name, png)
}

// attackerPage tries every way a page can send to the dashboard: a JSON
// fetch (even holding the token, as if it had leaked), a no-cors text/plain
// fetch, a cross-origin read of the page, and a text/plain form. Format
// arguments: the dashboard's URL, the token.
const attackerPage = `<!doctype html><html><body>
<iframe name="sink" id="sink"></iframe>
<form id="f" method="POST" action="%[1]sapi/persistence" enctype="text/plain" target="sink">
<input name='{"target":"edge","persistence":"none","x":"' value='"}'></form>
<script>
const dash = %[1]q, body = JSON.stringify({target: "edge", persistence: "none"});
document.getElementById("sink").onload = () => { window.formDone = true; };
document.getElementById("f").submit();
Promise.allSettled([
  fetch(dash + "api/persistence", {method: "POST", headers: {"Content-Type": "application/json", "Authorization": "Bearer %[2]s"}, body}),
  fetch(dash + "api/persistence", {method: "POST", mode: "no-cors", headers: {"Content-Type": "text/plain"}, body}),
  fetch(dash).then((r) => r.text()).then((text) => { window.leak = text; }),
]).then(() => { window.done = true; });
</script></body></html>`
