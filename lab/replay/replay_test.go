package replay_test

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/replay/replaytest"
	"github.com/stickylab/stickylab/lab/stats"
)

func fixture(t *testing.T, cfg replaytest.Config) (*httptest.Server, *replaytest.Topology, *x509.CertPool) {
	t.Helper()
	srv, edge := replaytest.NewServer(t, cfg)
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	return srv, edge, pool
}

func newReplayer(t *testing.T, url string, opts ...replay.Option) *replay.Replayer {
	t.Helper()
	r, err := replay.New(url, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestFlowRequests(t *testing.T) {
	if n := replay.Login.Requests(); n != 3 {
		t.Errorf("login makes %d requests, want 3", n)
	}
	if n := replay.ChangePassword.Requests(); n != 5 {
		t.Errorf("change-password makes %d requests, want 5", n)
	}
	if _, err := replay.FlowByName("nope"); err == nil || !strings.Contains(err.Error(), "login, change-password") {
		t.Errorf("FlowByName(nope) = %v, want an error listing the flows", err)
	}
}

func TestLoginOneDatacenterSucceedsAndRecordsHops(t *testing.T) {
	srv, _, pool := fixture(t, replaytest.Config{Datacenters: []string{"dc-east"}})
	res, err := newReplayer(t, srv.URL, replay.WithCAPool(pool)).Replay(t.Context(), replay.Login, 5, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Runs) != 5 {
		t.Fatalf("%d runs, want 5", len(res.Runs))
	}
	for _, run := range res.Runs {
		if !run.OK || len(run.Hops) != 3 || run.Crossed {
			t.Fatalf("run %d: ok=%v hops=%d crossed=%v err=%s", run.Index, run.OK, len(run.Hops), run.Crossed, run.Err)
		}
		post := run.Hops[1]
		if post.Method != "POST" || post.Status != 302 || post.Location != "/account" {
			t.Errorf("hop 2 = %s %d %q", post.Method, post.Status, post.Location)
		}
		// The app accepted the POST (302 above): the field was the login page's token.
		if post.Form.Get("__RequestVerificationToken") == "" {
			t.Errorf("login POST form %v lacks the anti-forgery field", post.Form)
		}
		if !strings.Contains(post.RequestHeader.Get("Cookie"), replaytest.AntiForgeryCookie) {
			t.Errorf("POST Cookie header %q lacks the anti-forgery cookie", post.RequestHeader.Get("Cookie"))
		}
		if len(post.ResponseHeader.Values("Set-Cookie")) != 2 || len(run.Reissued) != 0 {
			t.Errorf("login POST Set-Cookie %v, reissued %v: want session+authenKey, none re-issued", post.ResponseHeader.Values("Set-Cookie"), run.Reissued)
		}
		// A fresh jar per run: the first request carries no cookie.
		if c := run.Hops[0].RequestHeader.Get("Cookie"); c != "" {
			t.Errorf("run %d first request sent Cookie %q; want a fresh jar", run.Index, c)
		}
		if post.Datacenter != "dc-east" || post.Instance == "" || post.EdgeReason != "passthrough" || post.LBReason != "persisted" {
			t.Errorf("hop facts = %+v", post)
		}
	}
	s := res.Summary()
	if s.Runs != 5 || s.Failures != 0 || s.Datacenters["dc-east"] != 15 {
		t.Errorf("summary %+v", s)
	}
}

func TestChangePassword(t *testing.T) {
	srv, _, pool := fixture(t, replaytest.Config{Datacenters: []string{"dc-east"}})
	res, err := newReplayer(t, srv.URL, replay.WithCAPool(pool)).Replay(t.Context(), replay.ChangePassword, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, run := range res.Runs {
		if !run.OK || len(run.Hops) != 5 {
			t.Fatalf("run %d: ok=%v hops=%d err=%s", run.Index, run.OK, len(run.Hops), run.Err)
		}
	}
}

func TestIncidentCrossesAndClassifies(t *testing.T) {
	for _, realistic := range []bool{false, true} {
		t.Run(fmt.Sprintf("realistic=%v", realistic), func(t *testing.T) {
			srv, _, pool := fixture(t, replaytest.Config{Seed: 7, NoDecision: realistic, NoFailureHeader: realistic})
			res, err := newReplayer(t, srv.URL, replay.WithCAPool(pool)).Replay(t.Context(), replay.Login, 200, 8)
			if err != nil {
				t.Fatal(err)
			}
			s := res.Summary()
			if s.FailureRate < 0.6 || s.FailureRate > 0.9 {
				t.Errorf("failure rate %.3f, want about 0.75", s.FailureRate)
			}
			if s.CrossedFailed != s.Failures || s.CrossedOK != 0 {
				t.Errorf("crossed failed %d of %d, crossed ok %d", s.CrossedFailed, s.Failures, s.CrossedOK)
			}
			if s.Causes[replay.AntiforgeryUndecryptable] == 0 || s.Causes[replay.SessionMissing] == 0 || len(s.Causes) != 2 {
				t.Errorf("causes %v, want undecryptable and session-missing", s.Causes)
			}
			for _, run := range res.Failed() {
				if len(run.Reissued) == 0 || run.Reissued[0] != "lbs" {
					t.Errorf("run %d reissued %v, want lbs first", run.Index, run.Reissued)
				}
				if run.Failure == replay.SessionMissing && run.FailedStep != "account" {
					t.Errorf("run %d session-missing at %s", run.Index, run.FailedStep)
				}
			}
		})
	}
}

func TestRedirectFollowedHopByHop(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/a", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "c", Value: "1", Path: "/"})
		http.Redirect(w, r, "/b", http.StatusFound)
	})
	mux.HandleFunc("/b", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/c?x=1", http.StatusSeeOther) })
	mux.HandleFunc("/c", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Served-By", "dc-x/dc-x-1")
		fmt.Fprint(w, "done "+r.Header.Get("Cookie"))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	flow := replay.Flow{Name: "redirects", Steps: []replay.Step{{Name: "a", Path: "/a", Follow: true,
		Expect: replay.Expect{Status: 200, Location: "/b", BodyContains: "done c=1"}}}}
	if n := flow.Requests(); n != 2 {
		t.Errorf("Requests() = %d, want 2 (step + expected redirect)", n)
	}
	res, err := newReplayer(t, srv.URL).Replay(t.Context(), flow, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	run := res.Runs[0]
	if !run.OK || len(run.Hops) != 3 {
		t.Fatalf("ok=%v hops=%d err=%s", run.OK, len(run.Hops), run.Err)
	}
	if run.Hops[2].URL != srv.URL+"/c?x=1" || run.Hops[2].Instance != "dc-x-1" {
		t.Errorf("last hop %s %s", run.Hops[2].URL, run.Hops[2].Instance)
	}
}

func TestBodyFallbackWithoutHeaders(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" {
			w.WriteHeader(500)
			fmt.Fprint(w, "The anti-forgery cookie token and form field token do not match.")
			return
		}
		fmt.Fprint(w, `<form><input type="hidden" value="a&amp;b" name='__RequestVerificationToken'></form>`)
	}))
	defer srv.Close()
	res, err := newReplayer(t, srv.URL).Replay(t.Context(), replay.Login, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	run := res.Runs[0]
	if run.Failure != replay.AntiforgeryMismatch || run.FailedStep != "sign-in" {
		t.Errorf("failure %q at %q, want antiforgery-mismatch at sign-in", run.Failure, run.FailedStep)
	}
	if got := run.Hops[1].Form.Get("__RequestVerificationToken"); got != "a&b" {
		t.Errorf("token %q, want a&b (unescaped)", got)
	}
	if run.Hops[1].Body == "" {
		t.Error("the failed hop keeps no body")
	}
}

func TestBadInput(t *testing.T) {
	for _, url := range []string{"", "  ", "://x", "ftp://127.0.0.1", "http://"} {
		if _, err := replay.New(url); err == nil {
			t.Errorf("New(%q) succeeded", url)
		}
	}
	_, err := replay.New("")
	if err == nil || !strings.Contains(err.Error(), "empty URL") {
		t.Errorf("New(\"\") = %v", err)
	}
	r := newReplayer(t, "http://127.0.0.1:1")
	if _, err := r.Replay(t.Context(), replay.Login, 0, 1); err == nil || !strings.Contains(err.Error(), "got 0") {
		t.Errorf("n=0: %v", err)
	}
	if _, err := r.Replay(t.Context(), replay.Login, 1, -2); err == nil || !strings.Contains(err.Error(), "got -2") {
		t.Errorf("concurrency=-2: %v", err)
	}
	if _, err := r.ReplayUntil(t.Context(), replay.Login, stats.SPRT(0.5, 0.1, 0.05, 0.05, 0)); err == nil || !strings.Contains(err.Error(), "p1") {
		t.Errorf("bad SPRT: %v", err)
	}
}

func TestUnreachable(t *testing.T) {
	r := newReplayer(t, "http://127.0.0.1:1")
	err := r.Probe(t.Context())
	if err == nil || err.Error() != "cannot reach http://127.0.0.1:1: connection refused" {
		t.Errorf("Probe = %v", err)
	}
	res, err := r.Replay(t.Context(), replay.Login, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, run := range res.Runs {
		if run.OK || run.Failure != replay.HTTPError || run.Err == "" || run.FailedStep != "login-page" {
			t.Errorf("run %+v, want http-error at login-page", run)
		}
	}
}

func TestCancelStopsPromptlyAndCountsOnlyStartedRuns(t *testing.T) {
	var started atomic.Int32
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		for started.Load() < 2 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	// The server holds every request until its context ends: Replay returns
	// only because cancelling ctx interrupts the requests in flight.
	res, err := newReplayer(t, srv.URL).Replay(ctx, replay.Login, 1000, 2)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if len(res.Runs) != 2 {
		t.Fatalf("%d runs recorded, want the 2 that started", len(res.Runs))
	}
	for _, run := range res.Runs {
		if run.Failure != replay.Timeout {
			t.Errorf("run %d failure %q, want timeout", run.Index, run.Failure)
		}
	}
}

func TestFreshVersusReusedConnections(t *testing.T) {
	for _, reuse := range []bool{false, true} {
		var mu sync.Mutex
		conns := map[string]bool{}
		srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			conns[r.RemoteAddr] = true
			mu.Unlock()
			fmt.Fprint(w, "ok")
		}))
		srv.Start()
		flow := replay.Flow{Name: "ping", Steps: []replay.Step{{Name: "a", Path: "/"}, {Name: "b", Path: "/"}}}
		var opts []replay.Option
		if reuse {
			opts = append(opts, replay.WithReuseConnections())
		}
		if _, err := newReplayer(t, srv.URL, opts...).Replay(t.Context(), flow, 5, 1); err != nil {
			t.Fatal(err)
		}
		srv.Close()
		want := 5
		if reuse {
			want = 1
		}
		if len(conns) != want {
			t.Errorf("reuse=%v: %d connections, want %d (one per run when fresh)", reuse, len(conns), want)
		}
	}
}

func TestReplayUntilSPRTAndProgress(t *testing.T) {
	srv, _, pool := fixture(t, replaytest.Config{Seed: 3})
	var calls, lastTotal int
	r := newReplayer(t, srv.URL, replay.WithCAPool(pool), replay.WithConcurrency(4),
		replay.WithProgress(func(done, total int) { calls, lastTotal = done, total }))
	res, err := r.ReplayUntil(t.Context(), replay.Login, stats.SPRT(0.01, 0.05, 0.05, 0.05, 500))
	if err != nil {
		t.Fatal(err)
	}
	if res.Decision != stats.Above || len(res.Runs) > 20 {
		t.Errorf("decision %s after %d runs, want above quickly", res.Decision, len(res.Runs))
	}
	if calls != len(res.Runs) || lastTotal != -1 {
		t.Errorf("progress %d/%d, want %d/-1", calls, lastTotal, len(res.Runs))
	}
	res, err = r.ReplayUntil(t.Context(), replay.Login, stats.MaxRuns(7))
	if err != nil || len(res.Runs) != 7 || res.Decision != stats.Undecided {
		t.Errorf("MaxRuns(7): %d runs, %s, %v", len(res.Runs), res.Decision, err)
	}
}

func TestDeadlineAndRequestTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	res, err := newReplayer(t, srv.URL, replay.WithConcurrency(3)).ReplayUntil(ctx, replay.Login, stats.SPRT(0.01, 0.05, 0.05, 0.05, 0))
	if !errors.Is(err, context.DeadlineExceeded) || res.Decision != stats.Undecided || len(res.Runs) != 3 {
		t.Errorf("err %v, decision %s, %d runs: want deadline, undecided, the 3 started", err, res.Decision, len(res.Runs))
	}
	res, err = newReplayer(t, srv.URL, replay.WithTimeout(50*time.Millisecond)).Replay(t.Context(), replay.Login, 2, 2)
	// Per-request timeouts are results about the endpoint, not errors of the replay.
	if err != nil || res.Runs[0].Failure != replay.Timeout || res.Runs[1].Failure != replay.Timeout {
		t.Errorf("per-request timeout: err %v, runs %+v", err, res.Runs)
	}
}

// An interrupted replay keeps what it measured: the runs that completed, with
// how many were planned and why it stopped; the runs the interruption cut
// are marked and left out of Completed.
func TestInterruptedReplayReturnsItsCompletedRuns(t *testing.T) {
	const quick, workers = 10, 3
	var served, held atomic.Int32
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if served.Add(1) <= quick {
			fmt.Fprint(w, "ok")
			return
		}
		// Every worker is now stuck here: interrupt the replay.
		if held.Add(1) == workers {
			cancel()
		}
		<-r.Context().Done()
	}))
	defer srv.Close()
	flow := replay.Flow{Name: "ping", Steps: []replay.Step{{Name: "ping", Path: "/"}}}
	res, err := newReplayer(t, srv.URL).Replay(ctx, flow, 1000, workers)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "stopped after 10 of 1000 runs") {
		t.Errorf("err = %v, want context.Canceled after 10 of 1000 runs", err)
	}
	if res == nil {
		t.Fatal("no result with the error: the completed runs are lost")
	}
	if !res.Partial() || res.Planned != 1000 || res.Interrupted != context.Canceled.Error() {
		t.Errorf("partial %v, planned %d, interrupted %q: want true, 1000, %q", res.Partial(), res.Planned, res.Interrupted, context.Canceled)
	}
	done := res.Completed()
	if len(done.Runs) != quick || done.Dropped != workers || len(res.Runs) != quick+workers {
		t.Fatalf("completed %d (dropped %d) of %d recorded, want %d completed and the %d cut dropped",
			len(done.Runs), done.Dropped, len(res.Runs), quick, workers)
	}
	for _, run := range done.Runs {
		if !run.OK || run.Interrupted || len(run.Hops) != 1 {
			t.Errorf("completed run %d: ok %v, interrupted %v, %d hops", run.Index, run.OK, run.Interrupted, len(run.Hops))
		}
	}
	if s := done.Summary(); s.Runs != quick || s.Failures != 0 {
		t.Errorf("summary of the completed runs: %d runs, %d failed; want %d, 0 (cut runs are not failures)", s.Runs, s.Failures, quick)
	}
	if !done.Partial() || done.Planned != 1000 {
		t.Errorf("Completed lost the partial marks: partial %v, planned %d", done.Partial(), done.Planned)
	}
}
