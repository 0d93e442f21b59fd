package fakecdn

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// FastServer serves an LB's client traffic over plain HTTP/1.1 with one
// goroutine per connection: it reads the request head, decides and
// forwards the request through the LB's transport, and writes the answer
// to the connection, all on that goroutine. net/http's server spends a
// proxied request's time elsewhere — a background read goroutine per
// request, its header parsing, its response writer and flushes, and
// ReverseProxy's copies of the request and response headers — which the
// profiles named as most of what fakecdn spent besides the syscalls
// (docs/fakecdn.md, "Profile and decision").
//
// What it does not handle simply it hands over, for the rest of that
// connection, to srv, a net/http server with the LB as handler: protocol
// upgrades, "Expect", chunked or large request bodies, HTTP/1.0, heads
// that are malformed or unusual or larger than its buffer. The hand-over
// replays the bytes already read, so srv answers such input (a 400, a
// 431, ...) as it would have on its own.
//
// A listener from tls.NewListener gives it TLS connections: it completes
// the handshake as net/http's server does, serves HTTP/1.1 with
// Request.TLS set, and hands a connection that negotiated HTTP/2 to srv
// (which serves h2 when the listener's tls.Config offers it).
type FastServer struct {
	lb      *LB
	srv     *http.Server
	handoff *connListener

	readHeaderTimeout time.Duration
	readTimeout       time.Duration
	writeTimeout      time.Duration
	idleTimeout       time.Duration

	serveOnce sync.Once
	mu        sync.Mutex
	listeners map[net.Listener]struct{}
	conns     map[*fastConn]struct{}
	closing   atomic.Bool
	handed    atomic.Int64 // connections handed to srv, for tests
}

// NewFastServer serves lb, handing what it does not handle to srv; srv's
// timeouts (ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout)
// are its own too. A nil srv.Handler becomes lb.
func NewFastServer(lb *LB, srv *http.Server) *FastServer {
	if srv.Handler == nil {
		srv.Handler = lb
	}
	idle := srv.IdleTimeout
	if idle == 0 {
		idle = srv.ReadTimeout
	}
	header := srv.ReadHeaderTimeout
	if header == 0 {
		header = srv.ReadTimeout
	}
	return &FastServer{
		lb: lb, srv: srv,
		readHeaderTimeout: header, readTimeout: srv.ReadTimeout,
		writeTimeout: srv.WriteTimeout, idleTimeout: idle,
		listeners: make(map[net.Listener]struct{}),
		conns:     make(map[*fastConn]struct{}),
	}
}

// Serve accepts connections on ln until Shutdown or Close, after which it
// returns http.ErrServerClosed; ln is closed on return.
func (s *FastServer) Serve(ln net.Listener) error {
	s.serveOnce.Do(func() {
		s.handoff = newConnListener(ln.Addr())
		go func() { _ = s.srv.Serve(s.handoff) }()
	})
	if !s.track(ln) {
		ln.Close()
		return http.ErrServerClosed
	}
	defer s.untrack(ln)
	var backoff time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			if s.closing.Load() {
				return http.ErrServerClosed
			}
			var te interface{ Temporary() bool }
			if errors.As(err, &te) && te.Temporary() { // e.g. a full file table
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				time.Sleep(backoff) // as net/http's server waits it out
				continue
			}
			return err
		}
		backoff = 0
		fc := newFastConn(s, c)
		if !s.add(fc) {
			c.Close()
			return http.ErrServerClosed
		}
		go fc.serve()
	}
}

// Shutdown stops accepting, closes idle connections, and waits until the
// requests in progress have been answered (their connections then close)
// or ctx ends. The hand-over server shuts down alike.
func (s *FastServer) Shutdown(ctx context.Context) error {
	s.closing.Store(true)
	s.closeListeners()
	srvErr := make(chan error, 1)
	go func() { srvErr <- s.srv.Shutdown(ctx) }()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !s.closeIdle() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
	return <-srvErr
}

// Close closes the listeners and every connection at once.
func (s *FastServer) Close() error {
	s.closing.Store(true)
	s.closeListeners()
	s.mu.Lock()
	for c := range s.conns {
		c.conn.Close()
	}
	s.mu.Unlock()
	return s.srv.Close()
}

func (s *FastServer) track(ln net.Listener) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing.Load() {
		return false
	}
	s.listeners[ln] = struct{}{}
	return true
}

func (s *FastServer) untrack(ln net.Listener) {
	s.mu.Lock()
	delete(s.listeners, ln)
	s.mu.Unlock()
	ln.Close()
}

func (s *FastServer) closeListeners() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for ln := range s.listeners {
		ln.Close()
	}
	if s.handoff != nil {
		s.handoff.Close()
	}
}

func (s *FastServer) add(c *fastConn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing.Load() {
		return false
	}
	s.conns[c] = struct{}{}
	return true
}

func (s *FastServer) forget(c *fastConn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

// closeIdle closes the connections waiting for a request and reports
// whether none is left.
func (s *FastServer) closeIdle() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		if c.state.CompareAndSwap(connIdle, connClosed) {
			c.conn.Close()
		}
	}
	return len(s.conns) == 0
}
