package fakeapp

import (
	"context"
	"encoding/json"
	"io"
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
	// How far the replica this app reads trails the primary it writes
	// (redis.layout replicated): 404 for any other store.
	mux.HandleFunc("GET /admin/replication", func(w http.ResponseWriter, r *http.Request) {
		rs, ok := a.store.(replicaReader)
		if !ok || !rs.ReadsReplica() {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			json.NewEncoder(w).Encode(map[string]string{"error": "this app's session store is no replica"})
			return
		}
		read, write, err := rs.ReplicationOffsets(r.Context())
		if err != nil {
			adminStoreError(w, err)
			return
		}
		writeJSON(w, map[string]int64{"replica_offset": read, "primary_offset": write})
	})
	mux.HandleFunc("GET /admin/settings", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, a.Settings()) })
	mux.HandleFunc("PATCH /admin/settings", a.patchSettings)
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

// replicaReader is a store that may read a replica of the server it writes
// (RedisStore with WriteTo).
type replicaReader interface {
	ReadsReplica() bool
	ReplicationOffsets(ctx context.Context) (read, write int64, err error)
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

// patchSettings changes the run-time settings the body names: 200 with
// all of them, or 400 naming the field, with nothing changed.
func (a *App) patchSettings(w http.ResponseWriter, r *http.Request) {
	var p struct {
		MachineKey *KeyScope `json:"machine_key"`
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, maxBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		adminBadRequest(w, "body", "not a settings object ({\"machine_key\": \"shared\"}): "+err.Error())
		return
	}
	if p.MachineKey != nil {
		if err := p.MachineKey.check(); err != nil {
			adminBadRequest(w, "machine_key", "machine_key "+err.Error())
			return
		}
		if err := a.SetKeyScope(*p.MachineKey); err != nil {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
			return
		}
	}
	writeJSON(w, a.Settings())
}

func adminBadRequest(w http.ResponseWriter, field, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	json.NewEncoder(w).Encode(map[string]string{"error": msg, "field": field})
}
