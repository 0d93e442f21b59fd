package fakeapp

import (
	"context"
	"encoding/json"
	"net/http"
)

func (a *App) adminRoutes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", healthz)
	mux.HandleFunc("GET /admin/sessions", func(w http.ResponseWriter, r *http.Request) {
		n, err := a.store.Len(r.Context())
		if err != nil {
			adminStoreError(w, err)
			return
		}
		out := map[string]any{"count": n}
		if ev, ok := a.store.(evictionCounter); ok {
			evicted, err := ev.Evicted(r.Context())
			if err != nil {
				adminStoreError(w, err)
				return
			}
			out["evicted_keys"] = evicted
		}
		writeJSON(w, out)
	})
	// DELETE flushes: the lab's "restart the app servers" fault without a restart.
	mux.HandleFunc("DELETE /admin/sessions", func(w http.ResponseWriter, r *http.Request) {
		n, err := a.store.Len(r.Context())
		if err == nil {
			err = a.store.Flush(r.Context())
		}
		left := 0
		if err == nil {
			left, err = a.store.Len(r.Context())
		}
		if err != nil {
			adminStoreError(w, err)
			return
		}
		writeJSON(w, map[string]int{"count": left, "flushed": n})
	})
	return mux
}

// evictionCounter is a store whose memory bound can push sessions out
// (RedisStore): the admin API reports how many were.
type evictionCounter interface {
	Evicted(ctx context.Context) (int64, error)
}

// adminStoreError answers 503 with the failure class, so the lab can tell a
// store outage from a broken app.
func adminStoreError(w http.ResponseWriter, err error) {
	w.Header().Set(HeaderFailure, FailureStoreUnavailable)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusServiceUnavailable)
	json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok"))
}
