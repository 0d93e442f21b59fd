package fakecdn

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"
)

// healthLoop checks m now and then every health.interval until ctx ends.
func (lb *LB) healthLoop(ctx context.Context, m *member) {
	for {
		s := lb.snap.Load()
		ok, why := lb.check(ctx, m, s.cfg.Health)
		if ctx.Err() != nil {
			return
		}
		lb.observe(s, m, ok, why)
		t := time.NewTimer(s.cfg.Health.Interval.Std())
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// check GETs the member's health path; 2xx and 3xx are healthy.
func (lb *LB) check(ctx context.Context, m *member, h HealthConfig) (bool, string) {
	ctx, cancel := context.WithTimeout(ctx, h.Timeout.Std())
	defer cancel()
	u := *m.url
	u.Path, u.RawPath, u.RawQuery = h.Path, "", ""
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return false, err.Error()
	}
	req.Header.Set("User-Agent", "fakecdn-health/1")
	resp, err := lb.transport.RoundTrip(req)
	if err != nil {
		return false, err.Error()
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	if resp.StatusCode >= 400 {
		return false, "status " + strconv.Itoa(resp.StatusCode)
	}
	return true, ""
}

// observe feeds one active or passive result to m and logs a flip.
func (lb *LB) observe(s *snapshot, m *member, ok bool, why string) {
	if m.observe(ok, s.cfg.Health.Rise, s.cfg.Health.Fall) {
		lb.logHealth(s, m, why)
	}
}

// unreachable marks m unhealthy at once after a connect failure.
func (lb *LB) unreachable(s *snapshot, m *member, err error) {
	if m.markDown() {
		lb.logHealth(s, m, "redispatch: "+err.Error())
	}
}

func (lb *LB) logHealth(s *snapshot, m *member, why string) {
	lb.log.LogAttrs(context.Background(), slog.LevelWarn, "member health changed",
		slog.String("lb", s.cfg.Name), slog.String("member", m.name),
		slog.Bool("healthy", m.healthy.Load()), slog.String("cause", why))
}
