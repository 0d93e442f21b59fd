package browser

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/stickylab/stickylab/internal/testenv"
)

// Named timeouts of the browser test.
const (
	labTimeout     = 2 * time.Minute  // bring the lab up, or tear it down
	attemptTimeout = 30 * time.Second // one login in one fresh browser context
)

// alice's credentials: fakeapp's default user.
const user, password = "alice", "wonderland"

// chromiumPath finds Debian's Chromium, or skips the test with the reason
// (fails under STICKYLAB_REQUIRE_BROWSER=1).
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	testenv.Skip(t, testenv.RequireBrowser, "chromium not installed: run make browser-deps")
	return ""
}

// startBrowser launches headless Chromium for the test and returns a
// context holding it; every attempt opens its own browser context in it.
func startBrowser(t *testing.T, ctx context.Context) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.WindowSize(1000, 760),
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

// attempt is what one login in a fresh browser context showed.
type attempt struct {
	LoginPage, Final []byte // screenshots (PNG)
	Text             string // the final page's text
	URL              string // the final page's URL
}

// login opens a fresh browser context (its own cookie jar, like a private
// window), logs in as alice and returns what the browser ended up showing.
func login(t *testing.T, browserCtx context.Context, edgeURL string) attempt {
	t.Helper()
	tabCtx, cancelTab := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	defer cancelTab()
	ctx, cancel := context.WithTimeout(tabCtx, attemptTimeout)
	defer cancel()
	var a attempt
	err := chromedp.Do(ctx,
		chromedp.Navigate(edgeURL+"/login"),
		chromedp.WaitVisible(chromedp.ID("UserName")),
		chromedp.SendKeys(chromedp.ID("UserName"), user),
		chromedp.SendKeys(chromedp.ID("Password"), password),
	)
	if err != nil {
		t.Fatalf("open the login page %s/login: %v", edgeURL, err)
	}
	if a.LoginPage, err = chromedp.Run(ctx, chromedp.FullScreenshot(100)); err != nil {
		t.Fatalf("screenshot of the login page: %v", err)
	}
	// The POST answers 302 /account, which answers the welcome page, or the
	// error page, or another redirect: wait for the load of whatever comes last.
	submit := chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`))
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, submit)); err != nil {
		t.Fatalf("submit the login form: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
		t.Fatalf("wait for the page after login: %v", err)
	}
	if a.Text, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body"))); err != nil {
		t.Fatalf("read the page after login: %v", err)
	}
	if a.URL, err = chromedp.Run(ctx, chromedp.Location()); err != nil {
		t.Fatalf("read the location after login: %v", err)
	}
	if a.Final, err = chromedp.Run(ctx, chromedp.FullScreenshot(100)); err != nil {
		t.Fatalf("screenshot after login: %v", err)
	}
	return a
}

// artifact writes a screenshot under artifacts/ at the module root.
func artifact(t *testing.T, name string, png []byte) {
	t.Helper()
	dir := filepath.Join(moduleRoot(t), "artifacts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

func moduleRoot(t *testing.T) string {
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

// firstLine is the page text cut to one line, for failure messages.
func firstLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
