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

// Replication reads how far the replica a fakeapp reads trails the primary
// it writes: their replication offsets.
func Replication(ctx context.Context, appAdminURL string) (replica, primary int64, err error) {
	var r struct {
		Replica int64 `json:"replica_offset"`
		Primary int64 `json:"primary_offset"`
	}
	err = do(ctx, http.MethodGet, join(appAdminURL, "/admin/replication"), nil, &r)
	return r.Replica, r.Primary, err
}

// AppSettings are a fakeapp's run-time settings (GET/PATCH /admin/settings).
type AppSettings struct {
	MachineKey string `json:"machine_key"`
}

// GetAppSettings reads a fakeapp's run-time settings.
func GetAppSettings(ctx context.Context, appAdminURL string) (AppSettings, error) {
	var s AppSettings
	err := do(ctx, http.MethodGet, join(appAdminURL, "/admin/settings"), nil, &s)
	return s, err
}

// PatchAppSettings sets a fakeapp's machine key scope and returns its
// settings as they now are.
func PatchAppSettings(ctx context.Context, appAdminURL string, s AppSettings) (AppSettings, error) {
	var out AppSettings
	err := do(ctx, http.MethodPatch, join(appAdminURL, "/admin/settings"), s, &out)
	return out, err
}
