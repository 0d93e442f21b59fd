package haproxy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"

	"github.com/stickylab/stickylab/fakecdn"
	"github.com/stickylab/stickylab/internal/localguard"
)

// Shim serves fakecdn's admin API (docs/ARCHITECTURE.md) for an haproxy:
// GET /state from "show servers state" and "show stat", member changes as
// "set server … state" and "set weight". HAProxy's policy is its
// configuration file, so PATCH /config accepts the policy haproxy runs and
// refuses a change, naming the field.
type Shim struct {
	cfg fakecdn.Config // defaults applied; the policy haproxy was rendered with
	rt  Runtime
}

// NewShim returns the admin API of the haproxy rendered from cfg, behind
// localguard with the extra host names given.
func NewShim(cfg fakecdn.Config, rt Runtime, adminHosts ...string) (http.Handler, error) {
	g, err := localguard.New(adminHosts...)
	if err != nil {
		return nil, fmt.Errorf("admin hosts: %w", err)
	}
	s := &Shim{cfg: cfg, rt: rt}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("GET /state", s.api(func(*http.Request) error { return nil }))
	mux.Handle("PATCH /config", s.api(s.patchConfig))
	mux.Handle("PATCH /members/{name}", s.api(s.patchMember))
	mux.Handle("POST /rotate-key", s.api(func(*http.Request) error {
		return badRequest("cookie.codec", "haproxy's cookie is the server's name in clear (codec plain): there is no key to rotate")
	}))
	mux.Handle("POST /reset-key", s.api(func(*http.Request) error { return nil })) // no key: always generation 0
	return g.Handler(mux), nil
}

// healthz answers ok while haproxy answers on its runtime API.
func (s *Shim) healthz(w http.ResponseWriter, r *http.Request) {
	if _, err := s.rt.Do(r.Context(), "show info"); err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	_, _ = io.WriteString(w, "ok")
}

func badRequest(field, format string, args ...any) error {
	return &fakecdn.FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// api runs fn, then answers the state, or the error as fakecdn does: 400
// naming the field, 404 for an unknown member, and 502 when haproxy does
// not answer.
func (s *Shim) api(fn func(*http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := fn(r)
		var st fakecdn.State
		if err == nil {
			st, err = s.State(r.Context())
		}
		var fe *fakecdn.FieldError
		switch {
		case err == nil:
			writeJSON(w, http.StatusOK, st)
		case errors.As(err, &fe):
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error(), "field": fe.Field})
		case errors.Is(err, fakecdn.ErrUnknownMember):
			writeJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
		default:
			writeJSON(w, http.StatusBadGateway, map[string]string{"error": err.Error()})
		}
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Admin states of "show servers state" (srv_admin_state bits).
const (
	adminMaint      = 0x01 | 0x02 | 0x04 // forced, inherited, configured
	adminDrain      = 0x08 | 0x10        // forced, inherited
	adminResolution = 0x20               // its name does not resolve
	opRunning       = "2"                // srv_op_state
)

// State reads the members from haproxy: admin state, health, weight and
// requests, in configuration order.
func (s *Shim) State(ctx context.Context) (fakecdn.State, error) {
	servers, err := s.rt.Do(ctx, "show servers state "+s.cfg.Name)
	if err != nil {
		return fakecdn.State{}, err
	}
	stat, err := s.rt.Do(ctx, "show stat -1 4 -1")
	if err != nil {
		return fakecdn.State{}, err
	}
	byName := map[string]map[string]string{}
	for _, row := range table(servers, " ") {
		byName[row["srv_name"]] = row
	}
	requests := map[string]uint64{}
	for _, row := range table(stat, ",") {
		if row["pxname"] == s.cfg.Name {
			requests[row["svname"]], _ = strconv.ParseUint(row["stot"], 10, 64)
		}
	}
	st := fakecdn.State{Name: s.cfg.Name, Role: s.cfg.Role, Config: s.cfg}
	st.Config.Members = slices.Clone(s.cfg.Members)
	for i, m := range s.cfg.Members {
		row, ok := byName[m.Name]
		if !ok {
			return st, fmt.Errorf("haproxy has no server %s/%s", s.cfg.Name, m.Name)
		}
		admin, _ := strconv.Atoi(row["srv_admin_state"])
		uweight, _ := strconv.Atoi(row["srv_uweight"])
		w := float64(uweight) / WeightScale
		st.Config.Members[i].Weight = w
		st.Members = append(st.Members, fakecdn.MemberState{
			Name: m.Name, URL: m.URL, Weight: w, State: adminState(admin),
			Healthy:  row["srv_op_state"] == opRunning && admin&adminResolution == 0,
			Requests: requests[m.Name],
		})
	}
	return st, nil
}

func adminState(bits int) string {
	switch {
	case bits&adminMaint != 0:
		return "down"
	case bits&adminDrain != 0:
		return "draining"
	}
	return "up"
}

// patchMember carries out PATCH /members/{name}: state up, down or draining
// as "set server … state ready|maint|drain", weight as "set weight". Every
// field is checked before anything changes.
func (s *Shim) patchMember(r *http.Request) error {
	name := r.PathValue("name")
	if !slices.ContainsFunc(s.cfg.Members, func(m fakecdn.MemberConfig) bool { return m.Name == name }) {
		return fmt.Errorf("member %q: %w", name, fakecdn.ErrUnknownMember)
	}
	var p fakecdn.MemberPatch
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return badRequest("body", "not a JSON object of state, weight and delay: %v", err)
	}
	var commands []string
	server := s.cfg.Name + "/" + name
	if p.State != nil {
		word, ok := map[string]string{"up": "ready", "down": "maint", "draining": "drain"}[*p.State]
		if !ok {
			return badRequest("state", "%q is not one of up, down, draining", *p.State)
		}
		commands = append(commands, "set server "+server+" state "+word)
	}
	if p.Weight != nil {
		w, err := Weight(*p.Weight)
		if err != nil {
			return badRequest("weight", "%v", err)
		}
		commands = append(commands, fmt.Sprintf("set weight %s %d", server, w))
	}
	if p.Delay != nil && p.Delay.Std() != 0 {
		return badRequest("delay", "%s: haproxy has no per-server delay (the lab delays a datacenter at the edge)", p.Delay.Std())
	}
	for _, c := range commands {
		if _, err := s.rt.Do(r.Context(), c); err != nil {
			return err
		}
	}
	return nil
}
