package dashboard

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/stickylab/stickylab/fakecdn/policy"
	"github.com/stickylab/stickylab/lab"
)

// The controls are POST only (ServeMux answers 405 to other methods),
// need JSON (localguard answers 415 otherwise) and the run's token.
// Each names what it did in the answer, the page's log and the chart.

// controlTimeout bounds one control; faults return once they took effect.
const controlTimeout = 60 * time.Second

// faultActions are the faults the page offers as a datacenter's buttons:
// those of the registry that take a datacenter and no argument.
var faultActions = func() []string {
	var names []string
	for _, f := range lab.Faults() {
		if (f.Target == lab.TargetDatacenter || f.Target == lab.TargetNode) && len(f.Args) == 0 {
			names = append(names, f.Name)
		}
	}
	return names
}()

type (
	persistenceRequest struct{ Target, Persistence string }
	faultRequest       struct{ Action, Target string }
	latencyRequest     struct{ Datacenter, Delay string }
	rotateRequest      struct{ Target string }
	trafficRequest     struct {
		Users int // 0 stops the generator
	}
)

// A control checks its request, changes the lab and says what it did.
type control[T any] func(ctx context.Context, req T) (string, error)

func (s *Server) controls(mux *http.ServeMux) {
	handle(mux, s, "/api/persistence", s.setPersistence)
	handle(mux, s, "/api/fault", s.fault)
	handle(mux, s, "/api/latency", s.setLatency)
	handle(mux, s, "/api/rotate-key", s.rotateKey)
	handle(mux, s, "/api/traffic", s.traffic)
	handle(mux, s, "/api/reset", s.reset)
}

func handle[T any](mux *http.ServeMux, s *Server, path string, c control[T]) {
	mux.HandleFunc("POST "+path, func(w http.ResponseWriter, r *http.Request) {
		if !s.authorized(r) {
			reply(w, http.StatusUnauthorized, "", "wrong or missing token: reload the dashboard from the URL `stickylab up` printed")
			return
		}
		var req T
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<14)).Decode(&req); err != nil {
			reply(w, http.StatusBadRequest, "", fmt.Sprintf("%s: bad request body: %v", path, err))
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), controlTimeout)
		defer cancel()
		msg, err := c(ctx, req)
		if err != nil {
			s.log.add("failed: %v", err)
			s.kick()
			reply(w, statusOf(err), "", err.Error())
			return
		}
		s.log.add("%s", msg)
		s.logf("dashboard: %s", msg)
		s.kick()
		reply(w, http.StatusOK, msg, "")
	})
}

func (s *Server) authorized(r *http.Request) bool {
	return subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte("Bearer "+s.token)) == 1
}

// badRequest is an error in the request, not in the lab: 400.
type badRequest struct{ msg string }

func (e badRequest) Error() string { return e.msg }

func bad(format string, args ...any) error { return badRequest{fmt.Sprintf(format, args...)} }

func statusOf(err error) int {
	if _, ok := err.(badRequest); ok {
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

func reply(w http.ResponseWriter, status int, msg, errMsg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(struct {
		Message string `json:"message,omitempty"`
		Error   string `json:"error,omitempty"`
	}{msg, errMsg})
}

func (s *Server) setPersistence(ctx context.Context, req persistenceRequest) (string, error) {
	if err := s.checkLB(req.Target); err != nil {
		return "", err
	}
	persistence, err := policy.ParsePersistence(req.Persistence)
	if err != nil {
		return "", bad("%v", err)
	}
	if err := s.lab.Configure(ctx, req.Target, lab.Policy{Persistence: &persistence}); err != nil {
		return "", err
	}
	return s.changed(fmt.Sprintf("%s persistence → %s", req.Target, req.Persistence)), nil
}

func (s *Server) fault(ctx context.Context, req faultRequest) (string, error) {
	if !slices.Contains(faultActions, req.Action) {
		return "", bad("action %q is not one of %s", req.Action, strings.Join(faultActions, ", "))
	}
	if err := s.checkDatacenter(req.Target); err != nil {
		return "", err
	}
	if s.perform == nil {
		return "", bad("faults are not available on this dashboard")
	}
	if err := s.perform(ctx, req.Action, req.Target, nil); err != nil {
		return "", err
	}
	return s.changed(fmt.Sprintf("%s %s", req.Action, req.Target)), nil
}

func (s *Server) setLatency(ctx context.Context, req latencyRequest) (string, error) {
	if err := s.checkDatacenter(req.Datacenter); err != nil {
		return "", err
	}
	d, err := time.ParseDuration(req.Delay)
	if err != nil || d < 0 || d > time.Minute {
		return "", bad("latency %q: want a duration from 0 to 1m, such as 200ms", req.Delay)
	}
	if s.perform == nil {
		return "", bad("faults are not available on this dashboard")
	}
	if err := s.perform(ctx, "latency", req.Datacenter, map[string]string{"latency": d.String()}); err != nil {
		return "", err
	}
	return s.changed(fmt.Sprintf("latency %s %s", req.Datacenter, d)), nil
}

func (s *Server) rotateKey(ctx context.Context, req rotateRequest) (string, error) {
	if err := s.checkLB(req.Target); err != nil {
		return "", err
	}
	if err := s.lab.RotateKey(ctx, req.Target); err != nil {
		return "", err
	}
	return s.changed(fmt.Sprintf("rotate key %s", req.Target)), nil
}

func (s *Server) traffic(_ context.Context, req trafficRequest) (string, error) {
	if req.Users == 0 {
		s.gen.Stop()
		return "traffic stopped", nil
	}
	if err := s.gen.Start(req.Users); err != nil {
		return "", bad("traffic: %v", err)
	}
	return fmt.Sprintf("traffic: %d users replaying the login flow", req.Users), nil
}

func (s *Server) reset(context.Context, struct{}) (string, error) {
	s.track.Reset(time.Now())
	return "counts and chart reset", nil
}

// changed starts a new epoch of the counts and marks the chart.
func (s *Server) changed(label string) string {
	s.track.Mark(label, time.Now())
	return label
}

func (s *Server) checkDatacenter(dc string) error {
	for _, d := range s.lab.Topology().Datacenters {
		if d.Name == dc {
			return nil
		}
	}
	return bad("no datacenter %q in run %s", dc, s.lab.RunID())
}

func (s *Server) checkLB(target string) error {
	if target == "edge" {
		return nil
	}
	if s.checkDatacenter(target) != nil {
		return bad("target %q is neither edge nor a datacenter of run %s", target, s.lab.RunID())
	}
	return nil
}
