package replay_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/replay/replaytest"
)

// holdAfterSignIn holds every run after its login POST until release is
// closed or ctx ends; held receives each run once it is held.
func holdAfterSignIn(held chan<- int, release <-chan struct{}) replay.Option {
	return replay.WithHold(func(ctx context.Context, run int, step string) {
		if step != "sign-in" {
			return
		}
		held <- run
		select {
		case <-release:
		case <-ctx.Done():
		}
	})
}

// accountCounter serves the in-process topology and counts GET /account.
func accountCounter(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var accounts atomic.Int64
	edge := replaytest.New(t, replaytest.Config{Datacenters: []string{"dc-east"}})
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/account" {
			accounts.Add(1)
		}
		edge.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &accounts
}

func TestHeldRunsSendNothingUntilReleased(t *testing.T) {
	const n = 4
	srv, accounts := accountCounter(t)
	held, release := make(chan int, n), make(chan struct{})
	r := newReplayer(t, srv.URL, replay.WithInsecure(), holdAfterSignIn(held, release))

	done := make(chan *replay.Result, 1)
	go func() {
		res, err := r.Replay(t.Context(), replay.Login, n, n)
		if err != nil {
			t.Error(err)
		}
		done <- res
	}()
	for range n {
		<-held
	}
	if got := accounts.Load(); got != 0 {
		t.Fatalf("%d runs sent GET /account while held after sign-in", got)
	}
	close(release)
	res := <-done
	if res == nil || len(res.Runs) != n {
		t.Fatalf("want %d runs, got %+v", n, res)
	}
	for _, run := range res.Runs {
		if !run.OK {
			t.Errorf("run %d after release: %s", run.Index, run.Err)
		}
	}
	if got := accounts.Load(); got != n {
		t.Errorf("%d GET /account after release, want %d", got, n)
	}
}

func TestAHoldEndsWithTheReplaysContext(t *testing.T) {
	const n = 2
	srv, accounts := accountCounter(t)
	held := make(chan int, n)
	r := newReplayer(t, srv.URL, replay.WithInsecure(), holdAfterSignIn(held, nil))

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan *replay.Result, 1)
	go func() {
		res, err := r.Replay(ctx, replay.Login, n, n)
		if err == nil {
			t.Error("a replay cancelled while its runs are held must say so")
		}
		done <- res
	}()
	for range n {
		<-held
	}
	cancel()
	res := <-done
	if len(res.Runs) != n {
		t.Fatalf("want the %d held runs recorded, got %d", n, len(res.Runs))
	}
	for _, run := range res.Runs {
		if run.OK || run.Failure != replay.Timeout || run.FailedStep != "account" {
			t.Errorf("run %d: ok=%v failure=%q at %q; want a timeout at account", run.Index, run.OK, run.Failure, run.FailedStep)
		}
	}
	if got := accounts.Load(); got != 0 {
		t.Errorf("%d GET /account after the context ended", got)
	}
}

func TestWithHoldRejectsNil(t *testing.T) {
	if _, err := replay.New("https://127.0.0.1:1", replay.WithHold(nil)); err == nil {
		t.Fatal("WithHold(nil) must be an error")
	}
}
