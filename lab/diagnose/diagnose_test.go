package diagnose_test

import (
	"crypto/x509"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stickylab/stickylab/lab/diagnose"
	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/replay/replaytest"
	"github.com/stickylab/stickylab/lab/stats"
	"github.com/stickylab/stickylab/lab/topology"
)

func replayFixture(t *testing.T, cfg replaytest.Config, flow replay.Flow, n int) *replay.Result {
	t.Helper()
	srv, _ := replaytest.NewServer(t, cfg)
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	r, err := replay.New(srv.URL, replay.WithCAPool(pool))
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Replay(t.Context(), flow, n, 1) // one worker: the seeded fixture gives the same runs every time
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func contains(t *testing.T, text string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(text, p) {
			t.Errorf("finding lacks %q:\n%s", p, text)
		}
	}
}

func TestCrossDatacenterWithAndWithoutDecisionHeaders(t *testing.T) {
	model := stats.Expected(topology.Default(), replay.Login.Requests())
	for _, realistic := range []bool{false, true} {
		res := replayFixture(t, replaytest.Config{Seed: 11, NoDecision: realistic, NoFailureHeader: realistic}, replay.Login, 400)
		f := diagnose.Diagnose(res, diagnose.WithModel(model))
		if f.Kind != diagnose.CrossDatacenter {
			t.Fatalf("realistic=%v: kind %s: %s", realistic, f.Kind, f.Text)
		}
		s := res.Summary()
		contains(t, f.Text, "Every failed run crossed datacenters mid-flow (dc-", "received a new `lbs` cookie at the crossing",
			"none of the "+itoa(s.Succeeded())+" successful runs crossed", "enable persistence at the edge",
			"Expected 75.0 % from the model 1 − Σ wᵢ³", "agrees", "antiforgery-undecryptable")
		if f.Explained != s.Failures || f.Example < 0 || res.Runs[f.Example].OK {
			t.Errorf("explained %d of %d, example %d", f.Explained, s.Failures, f.Example)
		}
		if f.ModelAgrees == nil || !*f.ModelAgrees {
			t.Errorf("model agreement %v", f.ModelAgrees)
		}
	}
}

func TestExampleText(t *testing.T) {
	f := diagnose.Diagnose(replaytest.Incident(400, 5, true))
	t.Log(f.Text)
	contains(t, f.Text, " of 400 login runs failed (", "95 % CI ")
}

func TestSessionLostWithSharedKey(t *testing.T) {
	res := replayFixture(t, replaytest.Config{Seed: 2, SharedKey: true}, replay.Login, 300)
	f := diagnose.Diagnose(res)
	if f.Kind != diagnose.SessionLost {
		t.Fatalf("kind %s: %s", f.Kind, f.Text)
	}
	contains(t, f.Text, "the anti-forgery token now decrypts everywhere, but sessions live in one server's memory or one datacenter's store and do not travel", "redis.layout: shared", "session-missing")
}

func TestHealthy(t *testing.T) {
	res := replayFixture(t, replaytest.Config{EdgeSticky: true}, replay.Login, 300)
	f := diagnose.Diagnose(res, diagnose.WithModel(stats.Model{Applies: true, Formula: "0", Why: "edge persistence"}))
	if f.Kind != diagnose.Healthy {
		t.Fatalf("kind %s: %s", f.Kind, f.Text)
	}
	contains(t, f.Text, "All 300 login runs succeeded", "with 95 % confidence the failure rate is below 1.0 %", "takes 299 runs", "Expected 0.0 %", "agrees")
	lacks(t, f.Text, "Wilson upper bound", "1.3 %) ")
}

func lacks(t *testing.T, text string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if strings.Contains(text, p) {
			t.Errorf("finding has %q:\n%s", p, text)
		}
	}
}

// A spec that judges the model at 99.9 % gets a finding that says 99.9 %
// and states the interval the judgement used, never a verdict at 95 %.
func TestTheModelIsJudgedAtTheStatedConfidence(t *testing.T) {
	res := replaytest.Incident(400, 1, true)
	s := res.Summary()
	_, hi95 := stats.Wilson(s.Failures, s.Runs, 0.95)
	_, hi999 := stats.Wilson(s.Failures, s.Runs, 0.999)
	between := stats.Model{Applies: true, FailureRate: (hi95 + hi999) / 2, Formula: "1 − Σ wᵢ³", Why: "per-request choice"}

	f := diagnose.Diagnose(res, diagnose.WithModel(between), diagnose.WithConfidence(0.999))
	contains(t, f.Text, "99.9 % CI", "agrees: the model is inside its 99.9 % CI "+diagnose.CI(f.CILow, f.CIHigh))
	lacks(t, f.Text, "95 %", "disagrees")
	if f.Confidence != 0.999 || f.CIHigh != hi999 || f.ModelAgrees == nil || !*f.ModelAgrees {
		t.Errorf("confidence %g, interval high %g (want %g), agrees %v", f.Confidence, f.CIHigh, hi999, f.ModelAgrees)
	}

	f = diagnose.Diagnose(res, diagnose.WithModel(between))
	contains(t, f.Text, "95 % CI", "disagrees: the model is outside its 95 % CI")
	lacks(t, f.Text, "99.9 %")
}

// "Every" only when it is every run: here half of the failed runs that
// crossed received a new lbs cookie at the crossing.
func TestEveryMeansEveryOtherwiseCounts(t *testing.T) {
	res := replaytest.Incident(400, 5, true)
	half, crossed := 0, 0
	for i := range res.Runs {
		run := &res.Runs[i]
		if run.OK || !run.Crossed {
			continue
		}
		crossed++
		if crossed%2 == 1 {
			continue // keeps the cookie: the first, third, ... crossing run
		}
		half++
		for j := range run.Hops {
			run.Hops[j].Reissued = nil
		}
	}
	f := diagnose.Diagnose(res)
	if f.Kind != diagnose.CrossDatacenter {
		t.Fatalf("kind %s: %s", f.Kind, f.Text)
	}
	lacks(t, f.Text, "received a new `lbs` cookie")
	contains(t, f.Text, fmt.Sprintf("at the crossing %d of them a new `lbs` cookie", crossed-half))
}

// Short replays through unequal datacenters leave the light one quiet for a
// few runs by chance; that is no datacenter loss. Twenty login runs with
// weights 1:3, many seeds: crossings stay crossings.
func TestShortUnevenReplaysAreNotFailover(t *testing.T) {
	for seed := range uint64(200) {
		res := unevenIncident(20, seed)
		if f := diagnose.Diagnose(res); f.Kind == diagnose.Failover || f.ByKind[diagnose.Failover] != nil {
			t.Fatalf("seed %d: %d failed runs called failover: %s", seed, len(f.ByKind[diagnose.Failover]), f.Text)
		}
	}
}

// unevenIncident is n login runs, each request to dc-east with probability
// 1/4 and to dc-west otherwise, failing at the first crossing.
func unevenIncident(n int, seed uint64) *replay.Result {
	rng := rand.New(rand.NewPCG(seed, 7))
	var runs []replay.Run
	steps := []struct{ name, method, path string }{{"login-page", "GET", "/login"}, {"sign-in", "POST", "/login"}, {"account", "GET", "/account"}}
	for i := range n {
		var hops []replay.Hop
		failure, at := "", ""
		for j, st := range steps {
			servedBy := west1
			if rng.IntN(4) == 0 {
				servedBy = east1
			}
			hops = append(hops, replaytest.Hop(st.name, st.method, st.path, 200, servedBy))
			if j > 0 && hops[j].Datacenter != hops[0].Datacenter {
				failure, at = replay.AntiforgeryUndecryptable, st.name
				if j == 2 {
					failure = replay.SessionMissing
				}
				break
			}
		}
		runs = append(runs, replaytest.Run(i, failure, at, hops...))
	}
	return result(runs...)
}

func TestModelDisagreesAndDoesNotApply(t *testing.T) {
	res := replaytest.Incident(400, 1, true)
	f := diagnose.Diagnose(res, diagnose.WithModel(stats.Model{Applies: true, FailureRate: 0.5, Formula: "1 − Σ wᵢ²", Why: "shared key"}))
	contains(t, f.Text, "disagrees")
	f = diagnose.Diagnose(res, diagnose.WithModel(stats.Model{Why: "dc-east has 2 instances and no persistence"}))
	contains(t, f.Text, "The model does not apply here: dc-east has 2 instances and no persistence.")
	if f.ModelAgrees != nil {
		t.Error("agreement set for a model that does not apply")
	}
}

// Hand-built runs for the faults the fixture cannot time mid-flow.
const east1, east2, west1 = "dc-east/dc-east-1", "dc-east/dc-east-2", "dc-west/dc-west-1"

func okRun(i int, servedBy string) replay.Run {
	return replaytest.Run(i, "", "",
		replaytest.Hop("login-page", "GET", "/login", 200, servedBy),
		replaytest.Hop("sign-in", "POST", "/login", 302, servedBy),
		replaytest.Hop("account", "GET", "/account", 200, servedBy))
}

func result(runs ...replay.Run) *replay.Result {
	return &replay.Result{Flow: "login", Requests: 3, Runs: runs}
}

func TestFailoverByEdgeReason(t *testing.T) {
	var runs []replay.Run
	for i := range 10 {
		runs = append(runs, okRun(i, east1))
	}
	runs = append(runs, replaytest.Run(10, replay.AntiforgeryUndecryptable, "sign-in",
		replaytest.Hop("login-page", "GET", "/login", 200, west1, replay.HeaderEdge, "dc=dc-west; reason=persisted"),
		replaytest.Hop("sign-in", "POST", "/login", 500, east1, replay.HeaderEdge, "dc=dc-east; reason=failover", replay.HeaderFailure, "antiforgery-undecryptable")))
	f := diagnose.Diagnose(result(runs...))
	if f.Kind != diagnose.Failover || f.Example != 10 {
		t.Fatalf("kind %s example %d: %s", f.Kind, f.Example, f.Text)
	}
	contains(t, f.Text, "because dc-west stopped serving")
}

func TestFailoverByDisappearingDatacenterWithoutHeaders(t *testing.T) {
	// dc-west serves, one run is caught moving from dc-west to dc-east, and
	// then dc-west (1/12 of all requests) never serves again for 120 runs: a
	// silence chance explains with probability below (1 − 1/12)^120 ≈ 3e-5.
	var runs []replay.Run
	for i := range 10 {
		runs = append(runs, okRun(i, west1))
	}
	runs = append(runs, replaytest.Run(10, replay.SessionMissing, "account",
		replaytest.Hop("login-page", "GET", "/login", 200, west1),
		replaytest.Hop("sign-in", "POST", "/login", 302, west1),
		replaytest.Hop("account", "GET", "/account", 302, east1, replay.HeaderFailure, "session-missing")))
	for i := 11; i < 131; i++ {
		runs = append(runs, okRun(i, east1))
	}
	f := diagnose.Diagnose(result(runs...))
	if f.Kind != diagnose.Failover {
		t.Fatalf("kind %s: %s", f.Kind, f.Text)
	}
	contains(t, f.Text, "dc-west stopped serving")
}

// A run-level test: persistence keeps a run's requests together, so a few
// trailing runs in one datacenter are no evidence that the other is gone.
func TestTrailingPinnedRunsAreNoDatacenterLoss(t *testing.T) {
	var runs []replay.Run
	for i := range 290 {
		if i%3 == 0 {
			runs = append(runs, replaytest.Run(i, replay.AntiforgeryUndecryptable, "sign-in",
				replaytest.Hop("login-page", "GET", "/login", 200, []string{east1, west1}[i%2]),
				replaytest.Hop("sign-in", "POST", "/login", 500, []string{west1, east1}[i%2], replay.HeaderFailure, "antiforgery-undecryptable")))
			continue
		}
		runs = append(runs, okRun(i, []string{east1, west1}[i%2]))
	}
	for i := 290; i < 298; i++ { // eight runs (24 requests) in a row pinned to dc-west
		runs = append(runs, okRun(i, west1))
	}
	f := diagnose.Diagnose(result(runs...))
	if f.Kind != diagnose.CrossDatacenter || f.Explained != f.Summary.Failures {
		t.Fatalf("kind %s, %d of %d explained: %s", f.Kind, f.Explained, f.Summary.Failures, f.Text)
	}
}

func TestInstanceRestart(t *testing.T) {
	runs := []replay.Run{okRun(0, east1), replaytest.Run(1, replay.SessionMissing, "account",
		replaytest.Hop("login-page", "GET", "/login", 200, east1),
		replaytest.Hop("sign-in", "POST", "/login", 302, east1),
		replaytest.Hop("account", "GET", "/account", 302, east1, "Location", "/login?ReturnUrl=%2Faccount"))}
	runs[1].Hops[2].Failure = "" // a real app: the class came from the redirect
	f := diagnose.Diagnose(result(runs...))
	if f.Kind != diagnose.InstanceRestart {
		t.Fatalf("kind %s: %s", f.Kind, f.Text)
	}
	contains(t, f.Text, "dc-east-1: 1", "forgot its in-memory sessions")
}

func TestKeyRotation(t *testing.T) {
	lb := func(member, reason string) []string {
		return []string{replay.HeaderLB, "lb=dc-east; member=" + member + "; reason=" + reason}
	}
	runs := []replay.Run{okRun(0, east1), replaytest.Run(1, replay.SessionMissing, "account",
		replaytest.Hop("login-page", "GET", "/login", 200, east1, lb("dc-east-1", "persisted")...),
		replaytest.Hop("sign-in", "POST", "/login", 302, east1, lb("dc-east-1", "persisted")...),
		replaytest.Hop("account", "GET", "/account", 302, east2, append(lb("dc-east-2", "undecodable"), replay.HeaderFailure, "session-missing")...))}
	f := diagnose.Diagnose(result(runs...))
	if f.Kind != diagnose.KeyRotation {
		t.Fatalf("kind %s: %s", f.Kind, f.Text)
	}
	contains(t, f.Text, "could no longer decode their persistence cookie", "dc-east: 1")
}

func TestOtherAndEmpty(t *testing.T) {
	run := replaytest.Run(0, replay.HTTPError, "login-page", replaytest.Hop("login-page", "GET", "/login", 503, ""))
	f := diagnose.Diagnose(result(run))
	if f.Kind != diagnose.Other {
		t.Fatalf("kind %s", f.Kind)
	}
	contains(t, f.Text, "No single cause", "http-error 1", "run 0 at step login-page")
	if f := diagnose.Diagnose(result()); f.Kind != diagnose.Other || f.Text != "No run was recorded." {
		t.Errorf("empty: %+v", f)
	}
}

func itoa(n int) string {
	s := ""
	for {
		s = string(rune('0'+n%10)) + s
		n /= 10
		if n == 0 {
			return s
		}
	}
}

func BenchmarkSummaryAndDiagnosis10k(b *testing.B) {
	res := replaytest.Incident(10000, 1, true)
	model := stats.Expected(topology.Default(), 3)
	b.ReportAllocs()
	for b.Loop() {
		_ = res.Summary()
		_ = diagnose.Diagnose(res, diagnose.WithModel(model))
	}
}

func TestFailoverByEdgeRefusalAfterTheDatacenterWentAway(t *testing.T) {
	east, west := "dc-east/dc-east-1", "dc-west/dc-west-1"
	var runs []replay.Run
	// Run 0 was pinned to dc-east when it died: the edge itself answered 503.
	runs = append(runs, replaytest.Run(0, replay.HTTPError, "account",
		replaytest.Hop("login-page", "GET", "/login", 200, east),
		replaytest.Hop("sign-in", "POST", "/login", 302, east),
		replaytest.Hop("account", "GET", "/account", 503, "", replay.HeaderEdge, "dc=dc-east; reason=member-down")))
	for i := 1; i < 20; i++ {
		runs = append(runs, replaytest.Run(i, "", "",
			replaytest.Hop("login-page", "GET", "/login", 200, west),
			replaytest.Hop("sign-in", "POST", "/login", 302, west),
			replaytest.Hop("account", "GET", "/account", 200, west)))
	}
	f := diagnose.Diagnose(&replay.Result{Flow: "login", Runs: runs})
	if f.Kind != diagnose.Failover || !strings.Contains(f.Text, "dc-east") {
		t.Fatalf("want a failover finding naming dc-east, got %s: %s", f.Kind, f.Text)
	}
}

func TestReplicationLagIsASessionMissingOnAReplicaRightAfterTheWrite(t *testing.T) {
	var runs []replay.Run
	for i := range 6 {
		runs = append(runs, okRun(i, east1))
	}
	// Signed in on either side, then read too soon on dc-west's replica:
	// with and without a crossing.
	for i, signIn := range []string{east1, west1, east1, west1} {
		runs = append(runs, replaytest.Run(6+i, replay.SessionMissing, "account",
			replaytest.Hop("login-page", "GET", "/login", 200, signIn),
			replaytest.Hop("sign-in", "POST", "/login", 302, signIn),
			replaytest.Hop("account", "GET", "/account", 302, west1, replay.HeaderFailure, "session-missing", replay.HeaderStore, "replica")))
	}
	f := diagnose.Diagnose(result(runs...))
	if f.Kind != diagnose.ReplicationLag || f.Explained != 4 || f.Example != 6 {
		t.Fatalf("kind %s, explained %d, example %d: %s", f.Kind, f.Explained, f.Example, f.Text)
	}
	contains(t, f.Text, "Every failed run lost their session", "replica of the session store (dc-west: 4)", "a median 300µs after the answer to the sign-in", "had not replicated yet")
}

func TestASessionMissingWithoutAReplicaIsNoReplicationLag(t *testing.T) {
	runs := []replay.Run{okRun(0, east1), replaytest.Run(1, replay.SessionMissing, "account",
		replaytest.Hop("login-page", "GET", "/login", 200, east1),
		replaytest.Hop("sign-in", "POST", "/login", 302, east1),
		replaytest.Hop("account", "GET", "/account", 302, west1, replay.HeaderFailure, "session-missing"))}
	if f := diagnose.Diagnose(result(runs...)); f.Kind != diagnose.SessionLost {
		t.Fatalf("kind %s: %s", f.Kind, f.Text)
	}
}
