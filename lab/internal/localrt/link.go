package localrt

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// link is a cuttable TCP forwarder: the edge reaches a datacenter LB through
// one, so that a partition can be simulated in-process. Cut closes its
// listener and every connection through it (the edge sees connection refused
// and reset connections); Restore listens again on the same address once
// every reason for the cut is lifted. A stopped LB cuts its link too, so the
// edge sees what it sees from a stopped container: connection refused, not a
// connection accepted and then dropped.
type link struct {
	addr   string // 127.0.0.1:port, fixed for the link's life
	target func() string

	op     sync.Mutex      // serialises Cut, Restore and Close
	mu     sync.Mutex      // guards ln, conns and closed
	ln     net.Listener    // nil while cut
	cuts   map[string]bool // why it is cut: "partition", "stopped"; guarded by op
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

func newLink(ln net.Listener, target func() string) *link {
	l := &link{addr: ln.Addr().String(), target: target, conns: map[net.Conn]struct{}{}, cuts: map[string]bool{}}
	l.serve(ln)
	return l
}

// serve accepts on ln until it is closed; l.mu is not held.
func (l *link) serve(ln net.Listener) {
	l.mu.Lock()
	l.ln = ln
	l.mu.Unlock()
	l.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			l.wg.Go(func() { l.forward(c) })
		}
	})
}

// forward pipes c to the target until either side ends, then closes both.
func (l *link) forward(c net.Conn) {
	if !l.track(c) {
		c.Close()
		return
	}
	defer l.untrack(c)
	up, err := net.DialTimeout("tcp", l.target(), 2*time.Second)
	if err != nil {
		return // the target is down: the client sees its connection closed
	}
	if !l.track(up) {
		up.Close()
		return
	}
	defer l.untrack(up)
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		done <- struct{}{}
	}
	go pipe(up, c)
	go pipe(c, up)
	<-done // one side ended: end both, as a proxy without half-close would
	c.Close()
	up.Close()
	<-done
}

// track registers c unless the link is cut or closed.
func (l *link) track(c net.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ln == nil {
		return false
	}
	l.conns[c] = struct{}{}
	return true
}

func (l *link) untrack(c net.Conn) {
	l.mu.Lock()
	delete(l.conns, c)
	l.mu.Unlock()
	c.Close()
}

// Cut closes the listener and every connection, for reason; it is idempotent.
func (l *link) Cut(reason string) {
	l.op.Lock()
	defer l.op.Unlock()
	l.cuts[reason] = true
	l.cut()
}

func (l *link) cut() {
	l.mu.Lock()
	ln := l.ln
	l.ln = nil
	conns := make([]net.Conn, 0, len(l.conns))
	for c := range l.conns {
		conns = append(conns, c)
	}
	l.mu.Unlock()
	if ln != nil {
		ln.Close()
	}
	for _, c := range conns {
		c.Close()
	}
}

// Restore lifts reason and, when no other reason holds the link cut,
// listens on its address again; it is idempotent.
func (l *link) Restore(reason string) error {
	l.op.Lock()
	defer l.op.Unlock()
	delete(l.cuts, reason)
	if len(l.cuts) > 0 {
		return nil
	}
	l.mu.Lock()
	up, closed := l.ln != nil, l.closed
	l.mu.Unlock()
	switch {
	case closed:
		return errors.New("link " + l.addr + ": closed")
	case up:
		return nil
	}
	ln, err := listenAgain(l.addr)
	if err != nil {
		return fmt.Errorf("link %s: %w", l.addr, err)
	}
	l.serve(ln)
	return nil
}

// Close cuts the link for good and waits for its goroutines.
func (l *link) Close() {
	l.op.Lock()
	defer l.op.Unlock()
	l.mu.Lock()
	l.closed = true
	l.mu.Unlock()
	l.cut()
	l.wg.Wait()
}
