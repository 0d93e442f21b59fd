package matchers_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/types"

	"github.com/stickylab/stickylab/lab/matchers"
	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/replay/replaytest"
	"github.com/stickylab/stickylab/lab/stats"
	"github.com/stickylab/stickylab/lab/topology"
)

var (
	incident = replaytest.Incident(400, 9, true)
	healthy  = func() *replay.Result {
		res := &replay.Result{Flow: "login", Requests: 3, BaseURL: "https://127.0.0.1:8443"}
		for i := range 300 {
			res.Runs = append(res.Runs, replaytest.Run(i, "", "",
				replaytest.Hop("login-page", "GET", "/login", 200, "dc-east/dc-east-1", "Set-Cookie", "lbs=!abc; Path=/"),
				replaytest.Hop("sign-in", "POST", "/login", 302, "dc-east/dc-east-1"),
				replaytest.Hop("account", "GET", "/account", 200, "dc-east/dc-east-1")))
		}
		return res
	}()
	// A failure without crossing or re-issue: the app refused the password.
	badPassword = &replay.Result{Flow: "login", Runs: []replay.Run{
		replaytest.Run(0, "", "", replaytest.Hop("login-page", "GET", "/login", 200, "dc-east/dc-east-1")),
		replaytest.Run(1, replay.BadCredentials, "sign-in",
			replaytest.Hop("login-page", "GET", "/login", 200, "dc-east/dc-east-1"),
			replaytest.Hop("sign-in", "POST", "/login", 200, "dc-east/dc-east-1", replay.HeaderFailure, "bad-credentials")),
	}}
	model = stats.Expected(topology.Default(), replay.Login.Requests())
)

// failsWith asserts that m rejects res and that its message carries want.
func failsWith(t *testing.T, m types.GomegaMatcher, res *replay.Result, want ...string) {
	t.Helper()
	ok, err := m.Match(res)
	if err != nil || ok {
		t.Fatalf("matched=%v err=%v, want a plain mismatch", ok, err)
	}
	msg := m.FailureMessage(res)
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("failure message lacks %q:\n%s", w, msg)
		}
	}
}

// The incident report: summary, diagnosis and the offending run's headers.
var report = []string{"login replay of https://127.0.0.1:8443:", "causes: ", "datacenters (requests): dc-east ", "Diagnosis (", "\n  1. GET https://127.0.0.1:8443/login → ", "     < X-Served-By: dc-"}

func TestAllSucceed(t *testing.T) {
	g := NewWithT(t)
	g.Expect(healthy).To(matchers.AllSucceed())
	failsWith(t, matchers.AllSucceed(), incident, append([]string{"to all succeed, but ", "runs failed", "Run ", " failed: ", "     < Set-Cookie: lbs="}, report...)...)
	failsWith(t, matchers.AllSucceed(), &replay.Result{Flow: "login"}, "no run was recorded")
}

func TestFailIntermittently(t *testing.T) {
	g := NewWithT(t)
	g.Expect(incident).To(matchers.FailIntermittently())
	g.Expect(*incident).To(matchers.FailIntermittently()) // a value works too
	failsWith(t, matchers.FailIntermittently(), healthy, "0 of 300 runs failed (0.0 %, 95 % CI 0.0–1.3 %)", "Run 0 succeeded")
	_, err := matchers.FailIntermittently().Match("nope")
	g.Expect(err).To(MatchError(ContainSubstring("expected a *replay.Result, got string")))
}

func TestHaveFailureRate(t *testing.T) {
	g := NewWithT(t)
	g.Expect(incident).To(matchers.HaveFailureRate(BeNumerically(">", 0.6)))
	g.Expect(healthy).To(matchers.HaveFailureRate(BeZero()))
	failsWith(t, matchers.HaveFailureRate(BeNumerically("<", 0.01)), incident, "the failure rate is 0.7", "to be <", "Diagnosis (cross-datacenter)")
}

func TestHaveFailureRateBelow(t *testing.T) {
	g := NewWithT(t)
	g.Expect(healthy).To(matchers.HaveFailureRateBelow(0.02))
	// 300 clean runs prove "below 1 %" at 95 %: RunsToDetect(0.01, 0.95)
	// is 299, and the matcher uses the same bound.
	g.Expect(healthy).To(matchers.HaveFailureRateBelow(0.01))
	g.Expect(stats.RunsToDetect(0.01, 0.95)).To(Equal(299))
	short := &replay.Result{Flow: "login", Runs: healthy.Runs[:298]}
	failsWith(t, matchers.HaveFailureRateBelow(0.01), short, "one-sided 95 % upper bound is 1.0 %", "No run failed, but 298 runs are too few to claim that; 299 would do.")
	failsWith(t, matchers.HaveFailureRateBelowAt(0.01, 0.999), healthy, "below 1.0 % with 99.9 % confidence", "one-sided 99.9 % upper bound is 2.3 %", "688 would do.")
	failsWith(t, matchers.HaveFailureRateBelow(0.5), incident, "runs failed and the one-sided 95 % upper bound is 7")
}

func TestHaveFailureRateNear(t *testing.T) {
	g := NewWithT(t)
	g.Expect(incident).To(matchers.HaveFailureRateNear(model))
	shared := stats.Model{Applies: true, FailureRate: 0.5, Formula: "1 − Σ wᵢ²", Why: "shared key"}
	failsWith(t, matchers.HaveFailureRateNear(shared), incident, "near the model's 50.0 % (1 − Σ wᵢ²)", "the model's 50.0 % is outside it")
	failsWith(t, matchers.HaveFailureRateNear(stats.Model{Why: "dc-east has no persistence"}), incident, "the model does not apply: dc-east has no persistence.")
}

func TestHaveFailuresExplainedBy(t *testing.T) {
	g := NewWithT(t)
	g.Expect(incident).To(matchers.HaveFailuresExplainedBy("cross-datacenter"))
	g.Expect(healthy).To(matchers.HaveFailuresExplainedBy("healthy"))
	g.Expect(badPassword).To(matchers.HaveFailuresExplainedBy(replay.BadCredentials))
	failsWith(t, matchers.HaveFailuresExplainedBy("session-lost"), incident, "to have every failed run explained by session-lost, but 0 of ", " failed runs are explained by session-lost.", "run 1: cross-datacenter (session-missing at step account; datacenters dc-west → dc-east)", "     > Cookie: ")
	failsWith(t, matchers.HaveFailuresExplainedBy(replay.SessionMissing), incident, "failed runs are explained by session-missing", "failed: antiforgery-undecryptable at step sign-in")
	failsWith(t, matchers.HaveFailuresExplainedBy(replay.SessionMissing), healthy, "no run failed (300 runs)")
	failsWith(t, matchers.HaveFailuresExplainedBy("cross-datacenter"), healthy, "no run failed (300 runs)")
}

// Most failed runs crossing datacenters is not every failed run: the two
// runs refused by the edge are named, and the first is shown hop by hop.
func TestHaveFailuresExplainedByNeedsEveryRunUnlessAtLeast(t *testing.T) {
	mixed := &replay.Result{Flow: "login", Requests: 3, BaseURL: incident.BaseURL, Runs: slices.Clone(incident.Runs)}
	for i := range 2 {
		mixed.Runs = append(mixed.Runs, replaytest.Run(400+i, replay.HTTPError, "login-page",
			replaytest.Hop("login-page", "GET", "/login", 503, "", "Retry-After", "1")))
	}
	failed := mixed.Summary().Failures
	failsWith(t, matchers.HaveFailuresExplainedBy("cross-datacenter"), mixed,
		fmt.Sprintf("but %d of %d failed runs are explained by cross-datacenter.", failed-2, failed),
		"Not explained (2):\n  run 400: other (http-error at step login-page; datacenters none)\n  run 401: other",
		"Run 400 failed: http-error at step login-page", "     < Retry-After: 1")
	failsWith(t, matchers.HaveFailuresExplainedBy(replay.AntiforgeryUndecryptable, matchers.AtLeast(0.9)), mixed,
		"to have at least 90.0 % of the failed runs of class antiforgery-undecryptable", "run 1: session-missing")

	g := NewWithT(t)
	g.Expect(mixed).To(matchers.HaveFailuresExplainedBy("cross-datacenter", matchers.AtLeast(0.99)))
	g.Expect(mixed).To(matchers.HaveFailuresExplainedBy(replay.AntiforgeryUndecryptable, matchers.AtLeast(0.6)))
	_, err := matchers.HaveFailuresExplainedBy("cross-datacenter", matchers.AtLeast(0)).Match(mixed)
	g.Expect(err).To(MatchError(ContainSubstring("AtLeast(0): the fraction must be in (0, 1]")))
}

func TestHaveCrossedDatacenters(t *testing.T) {
	g := NewWithT(t)
	g.Expect(incident).To(matchers.HaveCrossedDatacenters())
	failsWith(t, matchers.HaveCrossedDatacenters(), badPassword, "0 of 1 failed runs crossed", "Run 1 failed: bad-credentials at step sign-in", "     < X-Stickylab-Failure: bad-credentials")
}

func TestHaveReissuedCookie(t *testing.T) {
	g := NewWithT(t)
	g.Expect(incident).To(matchers.HaveReissuedCookie("lbs"))
	failsWith(t, matchers.HaveReissuedCookie("lbs"), badPassword, "0 of 1 failed runs had lbs re-issued", "re-issued cookies: none")
	failsWith(t, matchers.HaveReissuedCookie(replaytest.AntiForgeryCookie), incident, "failed runs had __RequestVerificationToken_L1ZQQw2 re-issued; cookies re-issued in failed runs: map[lbs:")
}

func TestNegatedMessage(t *testing.T) {
	m := matchers.AllSucceed()
	if ok, _ := m.Match(healthy); !ok {
		t.Fatal("healthy did not all succeed")
	}
	if msg := m.NegatedFailureMessage(healthy); !strings.Contains(msg, "not to all succeed, but all 300 runs succeeded.") {
		t.Errorf("negated message:\n%s", msg)
	}
}
