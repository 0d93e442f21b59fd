package browser

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stickylab/stickylab/internal/browsertest"
	"github.com/stickylab/stickylab/lab/stats"
	"github.com/stickylab/stickylab/lab/topology"
)

// antiForgery is the message ASP.NET shows when a token from another
// machine key reaches the app.
const antiForgery = "anti-forgery token could not be decrypted"

var servedBy = regexp.MustCompile(`Served by (dc-[a-z0-9-]+)`)

// TestLoginInABrowser logs in with a real browser through the incident's
// topology on the local runtime, over plain HTTP so that the browser needs
// no certificate exception: first with persistence at the edge (the login
// works), then without it (fresh browsers eventually hit the anti-forgery
// error, as the bank's customers did).
func TestLoginInABrowser(t *testing.T) {
	browsertest.ChromiumPath(t) // skip early, before the lab starts
	ctx := t.Context()

	topo := topology.Default()
	topo.Edge.Persistence = "cookie"
	l := browsertest.UpLocal(t, topo)
	browser := browsertest.Start(t, ctx, 1000, 760)

	t.Run("edge persistence: the login works", func(t *testing.T) {
		a := login(t, browser, l.EdgeURL())
		browsertest.Artifact(t, "login-page.png", a.LoginPage)
		browsertest.Artifact(t, "browser-login-success.png", a.Final)
		if !strings.Contains(a.Text, "Welcome, "+user) {
			t.Fatalf("want the welcome page with %q, got %s: %s", "Welcome, "+user, a.URL, firstLine(a.Text))
		}
		if !servedBy.MatchString(a.Text) {
			t.Errorf("the page should say which server served it (Served by dc-…): %s", firstLine(a.Text))
		}
	})

	t.Run("no edge persistence: a login fails with the anti-forgery error", func(t *testing.T) {
		if err := l.SetEdgePersistence(ctx, "none"); err != nil {
			t.Fatalf("edge persistence none: %v", err)
		}
		// The error page needs the POST in another datacenter than the form:
		// the model's failure rate for the first 2 requests (50 % for two
		// equal datacenters). Try as many fresh browsers as detecting that
		// with 99.9 % confidence takes.
		now := l.Topology()
		now.Edge.Persistence = "none"
		p := stats.Expected(now, 2).FailureRate
		if p <= 0 {
			t.Fatalf("the model predicts no crossing for %s; the test needs two balanced datacenters", topo.Name)
		}
		limit := stats.RunsToDetect(p, 0.999)
		seen := map[string]int{}
		for i := 1; i <= limit; i++ {
			a := login(t, browser, l.EdgeURL())
			if strings.Contains(a.Text, antiForgery) {
				browsertest.Artifact(t, "browser-login-failure.png", a.Final)
				t.Logf("attempt %d of at most %d: %s", i, limit, firstLine(a.Text))
				return
			}
			seen[outcomeOf(a)]++
		}
		t.Fatalf("no anti-forgery error in %d fresh browsers (a %.0f %% event each); saw %v", limit, 100*p, seen)
	})
}

// outcomeOf names what an attempt showed, for the failure message.
func outcomeOf(a attempt) string {
	switch {
	case strings.Contains(a.Text, "Welcome, "+user):
		return "welcome"
	case strings.Contains(a.URL, "/login"):
		return "back at the login page"
	}
	return firstLine(a.Text)
}
