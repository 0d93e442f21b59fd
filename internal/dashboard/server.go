package dashboard

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/stickylab/stickylab/internal/localguard"
	"github.com/stickylab/stickylab/lab"
	"github.com/stickylab/stickylab/lab/replay"
)

//go:embed assets
var assets embed.FS

var page = template.Must(template.ParseFS(assets, "assets/index.html"))

// PerformFunc performs a fault of the lab's registry (lab.Faults) on a
// target with key=value arguments: `up` passes the one its control endpoint
// uses, so that the page and `stickylab ctl` change the lab through the
// same path.
type PerformFunc func(ctx context.Context, action, target string, args map[string]string) error

// Config says what the dashboard shows and how it changes it.
type Config struct {
	Lab     *lab.Lab
	Token   string      // the run's control token; state changes must carry it
	Perform PerformFunc // faults; nil refuses them
	Addr    string      // listen address; default 127.0.0.1:0
	Logf    func(format string, args ...any)
}

// Server is a running dashboard.
type Server struct {
	lab     *lab.Lab
	token   string
	perform PerformFunc
	logf    func(string, ...any)

	url    string
	srv    *http.Server
	hub    hub
	track  *tracker
	gen    *generator
	rates  rates
	log    actionLog
	wake   chan struct{}
	closed chan struct{}
	once   sync.Once
	done   sync.WaitGroup
}

// refresh is how often the page gets a new snapshot without a change.
const refresh = time.Second

// Start serves the dashboard on 127.0.0.1 until Close.
func Start(cfg Config) (*Server, error) {
	if cfg.Lab == nil {
		return nil, errors.New("dashboard: no lab")
	}
	if len(cfg.Token) < 16 {
		return nil, errors.New("dashboard: the control token is missing or too short")
	}
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("dashboard: listen on %s: %w", cfg.Addr, err)
	}
	s := &Server{lab: cfg.Lab, token: cfg.Token, perform: cfg.Perform, logf: cfg.Logf,
		url: "http://" + ln.Addr().String() + "/", track: newTracker(time.Now()),
		wake: make(chan struct{}, 1), closed: make(chan struct{})}
	s.gen = &generator{
		newReplayer: func() (*replay.Replayer, error) { return s.lab.Replayer() },
		record:      s.track.Add,
		epoch:       s.track.Epoch,
	}
	s.srv = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 5 * time.Second}
	s.done.Go(func() { s.srv.Serve(ln) })
	s.done.Go(s.loop)
	return s, nil
}

// URL is the page's address, http://127.0.0.1:PORT/ (it holds no secret).
func (s *Server) URL() string { return s.url }

// Close stops the traffic generator and the server; later calls do nothing.
func (s *Server) Close() error {
	var err error
	s.once.Do(func() {
		s.gen.Stop()
		close(s.closed)
		err = s.srv.Close()
		s.done.Wait()
	})
	return err
}

// Handler is the whole dashboard behind localguard: the page and its
// assets, the event stream and the controls.
func (s *Server) Handler() http.Handler {
	static, _ := fs.Sub(assets, "assets")
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.servePage)
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /events", s.serveEvents)
	s.controls(mux)
	return localguard.Loopback(mux)
}

// servePage serves the page with the token inside: only a page of this
// origin can read it (localguard refuses other Hosts and Origins, and the
// browser keeps other origins from reading the answer).
func (s *Server) servePage(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'")
	h.Set("Referrer-Policy", "no-referrer")
	page.Execute(w, struct{ Token, Run string }{s.token, s.lab.RunID()})
}

// kick asks the loop for a snapshot now.
func (s *Server) kick() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// loop publishes a snapshot every refresh and after every control.
func (s *Server) loop() {
	t := time.NewTicker(refresh)
	defer t.Stop()
	for {
		select {
		case <-s.closed:
			return
		case <-t.C:
		case <-s.wake:
		}
		s.publish()
	}
}

// publish reads the lab and sends a snapshot, when a page listens (a new
// page kicks the loop, so it never waits for a tick).
func (s *Server) publish() {
	if !s.hub.listening() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	now := time.Now()
	v := s.track.view()
	snap := s.build(ctx, v, now)
	chart, err := rateChart(v, now)
	if err != nil {
		s.logf("dashboard: chart: %v", err)
	}
	snap.Chart = chart
	msg, err := json.Marshal(snap)
	if err != nil {
		s.logf("dashboard: snapshot: %v", err)
		return
	}
	s.hub.publish(msg)
}
