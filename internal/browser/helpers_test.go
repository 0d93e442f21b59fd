package browser

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Named timeouts of the browser test.
const (
	attemptTimeout = 30 * time.Second // one login in one fresh browser context
)

// alice's credentials: fakeapp's default user.
const user, password = "alice", "wonderland"

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

// firstLine is the page text cut to one line, for failure messages.
func firstLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
