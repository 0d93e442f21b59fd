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
	"maps"
	"net"
	"net/http"
	"slices"
	"time"

	"github.com/stickylab/stickylab/internal/localguard"
	"github.com/stickylab/stickylab/lab"
)

// The control endpoint: `stickylab up` serves it on 127.0.0.1:0, and it is
// the one path by which `stickylab ctl` changes and reads the lab, on either
// runtime (on the local one only the up process holds the listeners):
// POST /faults performs any fault of lab.Faults() through the Lab, so the
// Lab records every change; GET /state/{target} and GET /links read.

// faultRequest is the body of POST /faults.
type faultRequest struct {
	Action string            `json:"action"` // a fault's name: stop, latency, bandwidth, …
	Target string            `json:"target"` // a datacenter, an instance, edge or a link, as the fault takes
	Args   map[string]string `json:"args,omitempty"`
}

type controlAnswer struct {
	Message string `json:"message,omitempty"`
	Error   string `json:"error,omitempty"`
}

// faultTimeout bounds one fault, which returns once it has taken effect.
const faultTimeout = 60 * time.Second

// controlServer serves POST /faults for l until Close.
type controlServer struct {
	URL, Token string
	srv        *http.Server
}

// performFunc performs one fault of lab.Faults() on a target.
type performFunc func(ctx context.Context, action, target string, args map[string]string) error

func startControl(l *lab.Lab, logf func(string, ...any)) (*controlServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("control endpoint: %w", err)
	}
	tok := make([]byte, 16)
	rand.Read(tok)
	c := &controlServer{URL: "http://" + ln.Addr().String(), Token: hex.EncodeToString(tok)}
	c.srv = &http.Server{Handler: controlHandler(c.Token, performOn(l), readerOf(l), logf), ReadHeaderTimeout: 5 * time.Second}
	go c.srv.Serve(ln)
	return c, nil
}

// performOn performs the faults of the registry on l: the control endpoint
// and the dashboard share it, so both change the lab the same way.
func performOn(l *lab.Lab) performFunc { return l.Perform }

func (c *controlServer) Close() error { return c.srv.Close() }

// controlHandler serves POST /faults and the reads of control_read.go to
// local callers that send JSON and the run's token (localguard refuses web
// pages before the token is read).
func controlHandler(token string, perform performFunc, read reader, logf func(string, ...any)) http.Handler {
	mux := http.NewServeMux()
	authorized := func(next http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte("Bearer "+token)) != 1 {
				answer(w, http.StatusUnauthorized, controlAnswer{Error: "wrong or missing token; read it from the state file"})
				return
			}
			next(w, r)
		}
	}
	mux.HandleFunc("POST /faults", authorized(func(w http.ResponseWriter, r *http.Request) { fault(w, r, perform, logf) }))
	mux.HandleFunc("GET /state/{target}", authorized(func(w http.ResponseWriter, r *http.Request) { read.state(w, r, r.PathValue("target")) }))
	mux.HandleFunc("GET /links", authorized(read.links))
	return localguard.Loopback(mux)
}

func fault(w http.ResponseWriter, r *http.Request, perform performFunc, logf func(string, ...any)) {
	var req faultRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&req); err != nil {
		answer(w, http.StatusBadRequest, controlAnswer{Error: "bad request body: " + err.Error()})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), faultTimeout)
	defer cancel()
	if err := perform(ctx, req.Action, req.Target, req.Args); err != nil {
		status := http.StatusInternalServerError
		var in *lab.InputError
		if errors.As(err, &in) {
			status = http.StatusBadRequest
		}
		answer(w, status, controlAnswer{Error: err.Error()})
		return
	}
	msg := fmt.Sprintf("%s: done", faultText(req.Action, req.Target, req.Args))
	logf("ctl: %s", msg)
	answer(w, http.StatusOK, controlAnswer{Message: msg})
}

// faultText is a fault as ctl takes it: latency dc-west latency=300 jitter=50.
func faultText(action, target string, args map[string]string) string {
	s := action + " " + target
	for _, k := range slices.Sorted(maps.Keys(args)) {
		s += " " + k + "=" + args[k]
	}
	return s
}

func answer(w http.ResponseWriter, status int, a controlAnswer) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(a)
}

// callControl asks the up process to perform a fault. A fault the lab
// refuses as bad input is bad input here too (exit 2).
func callControl(ctx context.Context, st upState, action, target string, args map[string]string) (string, error) {
	body, _ := json.Marshal(faultRequest{Action: action, Target: target, Args: args})
	var a controlAnswer
	status, err := controlCall(ctx, st, http.MethodPost, "/faults", bytes.NewReader(body), &a)
	switch {
	case err != nil:
		return "", err
	case status == http.StatusBadRequest:
		return "", badInput("%s", a.Error)
	case status != http.StatusOK:
		return "", fmt.Errorf("%s: %s", faultText(action, target, args), a.Error)
	}
	return a.Message, nil
}

// controlClient waits for a fault to take effect, and a little longer.
var controlClient = &http.Client{Timeout: faultTimeout + 5*time.Second}

// controlCall sends one request to the up process with the run's token and
// decodes its JSON answer into out, whatever the status.
func controlCall(ctx context.Context, st upState, method, path string, body io.Reader, out any) (int, error) {
	req, err := http.NewRequestWithContext(ctx, method, st.Control+path, body)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+st.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := controlClient.Do(req)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && !ne.Timeout() {
			return 0, fmt.Errorf("the `stickylab up` of run %s (pid %d) does not answer at %s; is it still running? (%v)", st.RunID, st.PID, st.Control, err)
		}
		return 0, fmt.Errorf("control endpoint %s: %w", st.Control, err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(out); err != nil {
		return 0, fmt.Errorf("control endpoint %s%s: %s, unreadable answer: %w", st.Control, path, resp.Status, err)
	}
	return resp.StatusCode, nil
}
