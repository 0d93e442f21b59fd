package browser

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/stickylab/stickylab/internal/browsertest"
	"github.com/stickylab/stickylab/lab/diagnose"
	"github.com/stickylab/stickylab/lab/replay/replaytest"
	"github.com/stickylab/stickylab/lab/report"
)

// The HTML report renders in Chromium with no network: every chart and
// sequence diagram is drawn (inline SVG with a real size and text).
// The screenshot goes to artifacts/report.png.
func TestTheHTMLReportRendersInChromium(t *testing.T) {
	res := replaytest.Incident(400, 3, true)
	var buf bytes.Buffer
	if err := report.WriteHTML(&buf, res, diagnose.Diagnose(res), nil); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), browsertest.LabTimeout)
	defer cancel()
	browserCtx := browsertest.Start(t, ctx, 1000, 760)
	type drawn struct {
		Charts    int `json:"charts"`
		Sequences int `json:"sequences"`
	}
	// A picture counts as drawn when the browser laid it out wider than
	// 200 px and it holds text (axis labels, participants).
	const count = `(sel) => [...document.querySelectorAll(sel)].filter(s =>
		s.getBoundingClientRect().width > 200 && s.querySelectorAll('text').length > 3).length`
	err := chromedp.Do(browserCtx,
		chromedp.Navigate("file://"+path),
		chromedp.WaitVisible(chromedp.CSS(`figure#failure-rate svg`)),
	)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	got, err := chromedp.Run(browserCtx, chromedp.Evaluate[drawn](`({charts: (`+count+`)('figure.chart svg'), sequences: (`+count+`)('.seq svg')})`))
	if err != nil {
		t.Fatalf("count the pictures: %v", err)
	}
	png, err := chromedp.Run(browserCtx, chromedp.FullScreenshot(100)) // quality 100: PNG
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	browsertest.Artifact(t, "report.png", png)
	if got.Charts != 4 || got.Sequences != 2 {
		t.Fatalf("Chromium drew %d of 4 charts and %d of 2 sequence diagrams", got.Charts, got.Sequences)
	}
}
