package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/stickylab/stickylab/internal/localguard"
	"github.com/stickylab/stickylab/lab"
)

// The control endpoint: `stickylab up` serves it on 127.0.0.1:0 so that
// `stickylab ctl` can stop, start, partition and heal datacenters on either
// runtime (on the local one only the up process holds the listeners).

// faultRequest is the body of POST /faults.
type faultRequest struct {
	Action string `json:"action"` // stop | start | partition | heal | kill | restart | flush
	Target string `json:"target"` // a datacenter or an instance
}

type controlAnswer struct {
	Message string `json:"message,omitempty"`
	Error   string `json:"error,omitempty"`
}

// faults maps an action to the lab method that performs it.
var faults = map[string]func(*lab.Lab, context.Context, string) error{
	"stop":      (*lab.Lab).StopDatacenter,
	"start":     (*lab.Lab).StartDatacenter,
	"partition": (*lab.Lab).PartitionDatacenter,
	"heal":      (*lab.Lab).HealDatacenter,
	"kill":      (*lab.Lab).KillInstance,
	"restart":   (*lab.Lab).RestartInstance,
	"flush":     (*lab.Lab).FlushSessions,
}

// faultTimeout bounds one fault, which returns once it has taken effect.
const faultTimeout = 60 * time.Second

// controlServer serves POST /faults for l until Close.
type controlServer struct {
	URL, Token string
	srv        *http.Server
}

// performFunc performs one fault action (a key of faults) on a target.
type performFunc func(ctx context.Context, action, target string) error

func startControl(l *lab.Lab, logf func(string, ...any)) (*controlServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("control endpoint: %w", err)
	}
	tok := make([]byte, 16)
	rand.Read(tok)
	c := &controlServer{URL: "http://" + ln.Addr().String(), Token: hex.EncodeToString(tok)}
	perform := func(ctx context.Context, action, target string) error { return faults[action](l, ctx, target) }
	c.srv = &http.Server{Handler: controlHandler(c.Token, perform, logf), ReadHeaderTimeout: 5 * time.Second}
	go c.srv.Serve(ln)
	return c, nil
}

func (c *controlServer) Close() error { return c.srv.Close() }

// controlHandler serves POST /faults to local callers that send JSON and
// the run's token (localguard refuses web pages before the token is read).
func controlHandler(token string, perform performFunc, logf func(string, ...any)) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /faults", func(w http.ResponseWriter, r *http.Request) {
		fault(w, r, token, perform, logf)
	})
	return localguard.Loopback(mux)
}

func fault(w http.ResponseWriter, r *http.Request, token string, perform performFunc, logf func(string, ...any)) {
	if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte("Bearer "+token)) != 1 {
		answer(w, http.StatusUnauthorized, controlAnswer{Error: "wrong or missing token; read it from the state file"})
		return
	}
	var req faultRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&req); err != nil {
		answer(w, http.StatusBadRequest, controlAnswer{Error: "bad request body: " + err.Error()})
		return
	}
	if _, ok := faults[req.Action]; !ok {
		answer(w, http.StatusBadRequest, controlAnswer{Error: fmt.Sprintf("unknown action %q", req.Action)})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), faultTimeout)
	defer cancel()
	if err := perform(ctx, req.Action, req.Target); err != nil {
		answer(w, http.StatusInternalServerError, controlAnswer{Error: err.Error()})
		return
	}
	msg := fmt.Sprintf("%s %s: done", req.Action, req.Target)
	logf("ctl: %s", msg)
	answer(w, http.StatusOK, controlAnswer{Message: msg})
}

func answer(w http.ResponseWriter, status int, a controlAnswer) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(a)
}

// callControl asks the up process to perform a fault.
func callControl(ctx context.Context, st upState, action, target string) (string, error) {
	body, _ := json.Marshal(faultRequest{Action: action, Target: target})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, st.Control+"/faults", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+st.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: faultTimeout + 5*time.Second}).Do(req)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && !ne.Timeout() {
			return "", fmt.Errorf("the `stickylab up` of run %s (pid %d) does not answer at %s; is it still running? (%v)", st.RunID, st.PID, st.Control, err)
		}
		return "", fmt.Errorf("control endpoint %s: %w", st.Control, err)
	}
	defer resp.Body.Close()
	var a controlAnswer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		return "", fmt.Errorf("control endpoint %s: %s, unreadable answer: %w", st.Control, resp.Status, err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s %s: %s", action, target, a.Error)
	}
	return a.Message, nil
}
