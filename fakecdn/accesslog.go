package fakecdn

import (
	"context"
	"log/slog"
	"net/http"
	"time"
)

// logRequest writes one access-log line: the cookie status in HAProxy's two
// letters (request side, response side: see cookiestatus.go), member,
// reason, status, duration.
func (lb *LB) logRequest(r *http.Request, s *snapshot, d *decision, status int, extra ...slog.Attr) {
	ctx := context.Background()
	if !lb.log.Enabled(ctx, slog.LevelInfo) {
		return
	}
	attrs := append([]slog.Attr{
		slog.String("lb", s.cfg.Name),
		slog.String("role", s.cfg.Role),
		slog.String("client", peerIP(r)),
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.String("cookie", cookieLetters(r, s, d)),
		slog.String("member", d.name),
		slog.String("reason", d.reason),
		slog.Int("status", status),
		slog.Float64("dur_ms", float64(time.Since(d.start).Microseconds())/1000),
		slog.Bool("set_cookie", d.setCookie != ""),
	}, extra...)
	lb.log.LogAttrs(ctx, slog.LevelInfo, "request", attrs...)
}

func (lb *LB) logCodecError(m *member, err error) {
	lb.log.LogAttrs(context.Background(), slog.LevelError, "cannot encode persistence cookie",
		slog.String("member", m.name), slog.String("error", err.Error()))
}
