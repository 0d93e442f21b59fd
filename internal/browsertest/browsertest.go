// Package browsertest holds what the browser tests share: finding Debian's
// Chromium (or skipping, or failing under STICKYLAB_REQUIRE_BROWSER=1),
// starting it headless, bringing a plain-HTTP lab up on the local runtime,
// and writing screenshots under artifacts/.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/stickylab/stickylab/internal/testenv"
	"github.com/stickylab/stickylab/lab"
	"github.com/stickylab/stickylab/lab/topology"
)

// LabTimeout bounds bringing a local lab up, or tearing it down.
const LabTimeout = 2 * time.Minute

// ChromiumPath finds Debian's Chromium (scripts/deps.sh installs it), or
// skips the test with the reason — fails under STICKYLAB_REQUIRE_BROWSER=1.
func ChromiumPath(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	testenv.Skip(t, testenv.RequireBrowser, "chromium not installed: run make deps")
	return ""
}

// Start launches headless Chromium with a window of width×height and
// returns a context holding it; it is stopped when the test ends.
func Start(t testing.TB, ctx context.Context, width, height int) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(ChromiumPath(t)),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.WindowSize(width, height),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelBrowser)
	if err := chromedp.Do(browserCtx); err != nil { // starts the browser, with no timeout
		t.Fatalf("start chromium: %v", err)
	}
	return browserCtx
}

// UpLocal brings topo up on the local runtime over plain HTTP, so that the
// browser needs no certificate exception, and tears it down when the test
// ends.
func UpLocal(t testing.TB, topo topology.Topology) *lab.Lab {
	t.Helper()
	ctx := context.Background()
	if c, ok := t.(interface{ Context() context.Context }); ok {
		ctx = c.Context()
	}
	topo.Edge.TLS = topology.Bool(false)
	upCtx, cancel := context.WithTimeout(ctx, LabTimeout)
	defer cancel()
	l, err := lab.Up(upCtx, topo, lab.WithRuntime("local"), lab.WithLogf(t.Logf))
	t.Cleanup(func() {
		if l == nil {
			return
		}
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), LabTimeout)
		defer cancel()
		if err := l.Down(dctx); err != nil {
			t.Errorf("lab down: %v", err)
		}
	})
	if err != nil {
		t.Fatalf("lab up: %v", err)
	}
	return l
}

// Artifact writes a screenshot under artifacts/ at the module root.
func Artifact(t testing.TB, name string, png []byte) {
	t.Helper()
	dir := filepath.Join(ModuleRoot(t), "artifacts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// ModuleRoot is the folder holding go.mod, for artifacts/ and docs/img/.
func ModuleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test's folder")
		}
		dir = parent
	}
}
