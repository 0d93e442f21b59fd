package fakecdn

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func fastHealth() HealthConfig {
	return HealthConfig{Path: "/healthz", Interval: Duration(10 * time.Millisecond), Timeout: Duration(200 * time.Millisecond), Rise: 2, Fall: 2}
}

func healthy(lb *LB, name string) bool {
	for _, m := range lb.State().Members {
		if m.Name == name {
			return m.Healthy
		}
	}
	return false
}

func TestHealthFallAndRise(t *testing.T) {
	a, b := newBackend(t, "dc-east-1"), newBackend(t, "dc-east-2")
	cfg := dcConfig(a, b)
	cfg.Health = fastHealth()
	lb := newTestLB(t, cfg)
	if !healthy(lb, "dc-east-1") {
		t.Fatal("members must start healthy")
	}
	lb.Start(context.Background())
	a.sick.Store(true)
	eventually(t, "dc-east-1 unhealthy", 5*time.Second, func() bool { return !healthy(lb, "dc-east-1") })
	for range 4 {
		if served(do(t, lb, nil)) != "dc-east-2" {
			t.Fatal("unhealthy member got traffic")
		}
	}
	a.sick.Store(false)
	eventually(t, "dc-east-1 healthy again", 5*time.Second, func() bool { return healthy(lb, "dc-east-1") })
	seen := map[string]bool{}
	for range 4 {
		seen[served(do(t, lb, nil))] = true
	}
	if !seen["dc-east-1"] {
		t.Fatal("no failback after rise")
	}
}

// A member that accepts the connection and drops it after reading the
// request may have acted on it: no redispatch, a 502, and passive checks
// count toward fall. (A refused connection is redispatched: redispatch_test.go.)
func TestPassiveFailureMarksUnhealthy(t *testing.T) {
	drop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, _, err := http.NewResponseController(w).Hijack(); err == nil {
			_ = c.Close()
		}
	}))
	t.Cleanup(drop.Close)
	a, b := &backend{name: "dc-east-1", srv: drop}, newBackend(t, "dc-east-2")
	cfg := dcConfig(a, b)
	cfg.Health = fastHealth()
	cfg.Health.Interval = Duration(time.Hour) // only passive checks
	lb := newTestLB(t, cfg)
	bad := 0
	for range 6 {
		r := do(t, lb, nil)
		if r.StatusCode == 502 {
			bad++
			if reasonOf(r) == "" {
				t.Fatal("502 without decision header")
			}
		}
	}
	if bad != 2 || healthy(lb, "dc-east-1") {
		t.Fatalf("%d 502s, healthy=%v; want 2 (fall) then unhealthy", bad, healthy(lb, "dc-east-1"))
	}
}

func TestCloseStopsHealthChecks(t *testing.T) {
	a := newBackend(t, "dc-east-1")
	cfg := dcConfig(a)
	cfg.Health = fastHealth()
	lb, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	lb.Start(ctx)
	done := make(chan struct{})
	go func() { lb.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Close did not stop the health checks")
	}
}
