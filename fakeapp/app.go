package fakeapp

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/stickylab/stickylab/internal/localguard"
)

// maxBodyBytes caps request bodies: the largest legitimate form is a few
// hundred bytes, and a load test must not be able to exhaust memory.
const maxBodyBytes = 64 << 10

// App is one instance of the portal: its own machine key (per scope), its
// own session store and its own user table.
type App struct {
	cfg      Config
	servedBy string // "<datacenter>/<instance>"
	replica  bool   // the store reads a replica: HeaderStore says so
	keys     keys
	af       *antiforgery
	store    SessionStore
	users    *users
	pages    http.Handler
	admin    http.Handler
}

// New validates cfg, fills in defaults and returns the app. Errors name the
// Config field and its value.
func New(cfg Config) (*App, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if saved, ok, err := loadSettings(cfg.StateFile); err != nil {
		return nil, err
	} else if ok {
		cfg.KeyScope = saved.MachineKey
	}
	kr, err := newKeyring(cfg, cfg.KeyScope)
	if err != nil {
		return nil, err
	}
	guard, err := localguard.New(cfg.AdminHosts...)
	if err != nil {
		return nil, fmt.Errorf("fakeapp: Config.AdminHosts: %w", err)
	}
	store := cfg.Sessions
	if store == nil {
		store = NewMemoryStore(cfg.SessionTimeout, cfg.MaxSessions, cfg.Clock)
	}
	a := &App{
		cfg:      cfg,
		servedBy: cfg.Datacenter + "/" + cfg.Instance,
		af:       &antiforgery{cookieName: cfg.AntiForgeryCookie},
		store:    store,
		users:    &users{pw: cfg.Users},
	}
	a.keys.cur.Store(kr)
	a.af.codec = a.keys.codec
	if r, ok := store.(replicaReader); ok {
		a.replica = r.ReadsReplica()
	}
	a.pages = a.wrap(a.routes())
	a.admin = a.wrap(guard.Handler(a.adminRoutes()))
	return a, nil
}

// ServeHTTP serves the portal's pages and GET /healthz.
func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.pages.ServeHTTP(w, r) }

// Admin returns the admin API: GET /admin/sessions -> {"count":N},
// DELETE /admin/sessions -> flush, GET /admin/settings -> Settings, PATCH
// /admin/settings {"machine_key": scope} -> Settings, GET /healthz. It
// answers local requests only (Host loopback, localhost or one of
// Config.AdminHosts; no foreign Origin) and takes the flush and the patch
// only as application/json (package localguard).
func (a *App) Admin() http.Handler { return a.admin }

// SessionCount returns the number of live sessions in this app's store.
func (a *App) SessionCount(ctx context.Context) (int, error) { return a.store.Len(ctx) }

// FlushSessions removes every session from this app's store.
func (a *App) FlushSessions(ctx context.Context) error { return a.store.Flush(ctx) }

// ServedBy returns "<datacenter>/<instance>", the X-Served-By value.
func (a *App) ServedBy() string { return a.servedBy }

// wrap adds what every response carries: X-Served-By, an app Server-Timing
// entry, and the body limit.
func (a *App) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(HeaderServedBy, a.servedBy)
		if a.replica {
			w.Header().Set(HeaderStore, "replica")
		}
		tw := &timingWriter{ResponseWriter: w, start: time.Now()}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(tw, r.Body, maxBodyBytes)
		}
		h.ServeHTTP(tw, r)
	})
}

// timingWriter adds "app;dur=<ms>" to Server-Timing just before the header
// is sent, the last moment the duration can still be told.
type timingWriter struct {
	http.ResponseWriter
	start time.Time
	wrote bool
}

func (t *timingWriter) WriteHeader(code int) {
	if !t.wrote && code >= 200 {
		t.wrote = true
		ms := float64(time.Since(t.start).Microseconds()) / 1000
		b := strconv.AppendFloat([]byte("app;dur="), ms, 'f', 2, 64)
		t.Header().Add(HeaderTiming, string(b))
	}
	t.ResponseWriter.WriteHeader(code)
}

func (t *timingWriter) Write(p []byte) (int, error) {
	if !t.wrote {
		t.WriteHeader(http.StatusOK)
	}
	return t.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (t *timingWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }
