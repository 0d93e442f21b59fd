package admin

import (
	"context"
	"net/http"
)

type sessions struct {
	Count   int `json:"count"`
	Flushed int `json:"flushed"`
}

// SessionCount reads a fakeapp's number of live sessions.
func SessionCount(ctx context.Context, appAdminURL string) (int, error) {
	var s sessions
	err := do(ctx, http.MethodGet, join(appAdminURL, "/admin/sessions"), nil, &s)
	return s.Count, err
}

// FlushSessions drops every session of a fakeapp and returns how many it had.
func FlushSessions(ctx context.Context, appAdminURL string) (int, error) {
	var s sessions
	err := do(ctx, http.MethodDelete, join(appAdminURL, "/admin/sessions"), nil, &s)
	return s.Flushed, err
}
