package localrt

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/stickylab/stickylab/fakeapp"
	"github.com/stickylab/stickylab/fakecdn"
	"github.com/stickylab/stickylab/lab/internal/plan"
)

// node is one in-process fakeapp or fakecdn: its two servers on fixed
// 127.0.0.1 addresses, and the handler behind them, rebuilt on every start
// so that a restart loses in-memory state as a process restart would. An LB
// keeps what a real balancer saves, in its state file.
type node struct {
	spec      plan.Node
	addr      string      // client traffic, 127.0.0.1:port
	adminAddr string      // admin API, 127.0.0.1:port
	config    []byte      // LB nodes: the rendered fakecdn configuration
	stateFile string      // what fakecdn and fakeapp save admin changes to (--state-file)
	tls       *tls.Config // the edge, when it serves HTTPS
	health    context.Context
	sessions  fakeapp.SessionStore // app nodes with a Redis store; nil: in memory

	mu      sync.Mutex
	running bool
	servers []server
	lb      *fakecdn.LB
	haproxy haproxyNode // datacenter LBs on HAProxy
}

// serve builds a fresh handler and serves it on main and admin; n.mu is held
// or n is not shared yet. On error both listeners are closed.
func (n *node) serve(main, admin net.Listener) error {
	if n.isHAProxy() {
		return n.serveHAProxy(main, admin)
	}
	h, adm, lb, err := n.build()
	if err != nil {
		main.Close()
		admin.Close()
		return err
	}
	var front server = newServer(h)
	if n.tls != nil {
		main = tls.NewListener(main, n.tls) // HTTP/1.1 only, as the fakecdn binary serves
	}
	if lb != nil {
		front = fakecdn.NewFastServer(lb, newServer(h)) // as the fakecdn binary serves
	}
	n.servers = []server{front, newServer(adm)}
	go front.Serve(main)
	go n.servers[1].Serve(admin)
	n.lb, n.running = lb, true
	if lb != nil {
		lb.Start(n.health) // health checks begin once the servers accept
	}
	return nil
}

// build makes the node's client and admin handlers.
func (n *node) build() (main, admin http.Handler, lb *fakecdn.LB, err error) {
	if n.spec.Kind == plan.KindApp {
		a := n.spec.App
		app, err := fakeapp.New(fakeapp.Config{
			Datacenter: a.Datacenter, Instance: a.Instance,
			KeyScope: fakeapp.KeyScope(a.KeyScope), KeySecret: a.KeySecret,
			SessionTimeout: a.SessionTimeout, MaxSessions: a.MaxSessions,
			Sessions: n.sessions, StateFile: n.stateFile,
		})
		if err != nil {
			return nil, nil, nil, fmt.Errorf("start %s: %w", n.spec.Name, err)
		}
		return app, app.Admin(), nil, nil
	}
	cfg, err := fakecdn.ParseConfig(n.config)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("start %s: %w", n.spec.Name, err)
	}
	lb, err = fakecdn.New(cfg, fakecdn.WithStateFile(n.stateFile))
	if err != nil {
		return nil, nil, nil, fmt.Errorf("start %s: %w", n.spec.Name, err)
	}
	return lb, lb.Admin(), lb, nil
}

// server is net/http's server or fakecdn's FastServer.
type server interface {
	Serve(net.Listener) error
	Close() error
}

func newServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          log.New(io.Discard, "", 0), // TLS handshake noise from probing clients
	}
}

// Start listens again on the node's addresses with a fresh handler.
func (n *node) Start() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.running {
		return nil
	}
	main, err := listenAgain(n.addr)
	if err != nil {
		return fmt.Errorf("start %s: %w", n.spec.Name, err)
	}
	admin, err := listenAgain(n.adminAddr)
	if err != nil {
		main.Close()
		return fmt.Errorf("start %s: %w", n.spec.Name, err)
	}
	return n.serve(main, admin)
}

// Stop closes the servers, cutting keep-alive connections, and drops the
// handler: sessions, stick tables and health state are gone.
func (n *node) Stop() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if !n.running {
		return nil
	}
	var errs []error
	for _, s := range n.servers {
		errs = append(errs, s.Close())
	}
	if n.lb != nil {
		errs = append(errs, n.lb.Close())
	}
	errs = append(errs, n.haproxy.stop())
	n.servers, n.lb, n.running = nil, nil, false
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("stop %s: %w", n.spec.Name, err)
	}
	return nil
}
