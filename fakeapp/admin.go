package fakeapp

import (
	"encoding/json"
	"net/http"
)

func (a *App) adminRoutes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", healthz)
	mux.HandleFunc("GET /admin/sessions", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]int{"count": a.store.Len()})
	})
	// DELETE flushes: the lab's "restart the app servers" fault without a restart.
	mux.HandleFunc("DELETE /admin/sessions", func(w http.ResponseWriter, r *http.Request) {
		n := a.store.Len()
		a.store.Flush()
		writeJSON(w, map[string]int{"count": a.store.Len(), "flushed": n})
	})
	return mux
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok"))
}
