package localrt

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// replink is a replica's replication link in the local runtime: a TCP
// forwarder from the replica to its primary that holds the primary's
// stream for a settable one-way latency, as a WAN between datacenters
// would. The replica's acknowledgements go back at once. It stands in for
// the WAN link between the two datacenters until the lab has one.
type replink struct {
	ln     net.Listener
	target string

	mu      sync.Mutex
	latency time.Duration
	changed chan struct{} // closed and replaced by setLatency
	conns   map[net.Conn]struct{}
	wg      sync.WaitGroup
}

// chunk is a piece of the primary's stream and when it left the primary.
type chunk struct {
	b    []byte
	sent time.Time
}

// due is when a chunk sent at sent reaches the replica with the current
// latency, and a channel closed when that latency changes. A lowered
// latency releases what is queued, so that a lab reset to no latency
// does not keep the replica behind.
func (l *replink) due(sent time.Time) (time.Time, <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return sent.Add(l.latency), l.changed
}

func newReplink(target string) (*replink, error) {
	ln, err := listenAny()
	if err != nil {
		return nil, err
	}
	l := &replink{ln: ln, target: target, conns: map[net.Conn]struct{}{}, changed: make(chan struct{})}
	l.wg.Go(l.accept)
	return l, nil
}

func (l *replink) addr() string { return l.ln.Addr().String() }

func (l *replink) delay() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.latency
}

// setLatency delays what the primary sends from now on by d.
func (l *replink) setLatency(d time.Duration) {
	l.mu.Lock()
	l.latency = d
	close(l.changed)
	l.changed = make(chan struct{})
	l.mu.Unlock()
}

func (l *replink) accept() {
	for {
		c, err := l.ln.Accept()
		if err != nil {
			return
		}
		l.wg.Go(func() { l.forward(c) })
	}
}

// forward pipes the replica's connection c to the primary until either
// side ends: upstream at once, downstream each chunk latency after it was
// read.
func (l *replink) forward(c net.Conn) {
	up, err := net.DialTimeout("tcp", l.target, 2*time.Second)
	if err != nil {
		c.Close()
		return // the primary is down: the replica retries, as over a WAN
	}
	if !l.track(c, up) {
		return
	}
	defer l.untrack(c, up)
	chunks := make(chan chunk, 1024)
	done := make(chan struct{}, 3)
	go func() { io.Copy(up, c); done <- struct{}{} }()
	var queued atomic.Int64
	quit := make(chan struct{}) // ends a delivery waiting out its latency
	defer close(quit)
	go func() { l.read(up, c, chunks, &queued, quit); done <- struct{}{} }()
	go func() { l.deliver(c, chunks, &queued, quit); done <- struct{}{} }()
	<-done // one side ended: end both
	c.Close()
	up.Close()
}

// read stamps what the primary sends and queues it; it closes chunks at the
// end of the stream. Without latency and with nothing queued it writes to
// the replica c itself: a link with no delay adds no hand-off either.
func (l *replink) read(up, c net.Conn, chunks chan<- chunk, queued *atomic.Int64, quit <-chan struct{}) {
	defer close(chunks)
	for {
		b := make([]byte, 32<<10)
		n, err := up.Read(b)
		if n > 0 {
			if l.delay() == 0 && queued.Load() == 0 {
				if _, err := c.Write(b[:n]); err != nil {
					return
				}
			} else {
				queued.Add(1)
				select {
				case chunks <- chunk{b[:n], time.Now()}:
				case <-quit:
					return
				}
			}
		}
		if err != nil {
			return
		}
	}
}

// deliver writes each chunk to the replica once the latency has passed
// since it was sent, in order.
func (l *replink) deliver(c net.Conn, chunks <-chan chunk, queued *atomic.Int64, quit <-chan struct{}) {
	for ch := range chunks {
		for {
			at, changed := l.due(ch.sent)
			wait := time.Until(at)
			if wait <= 0 {
				break
			}
			t := time.NewTimer(wait) // the WAN's latency itself, not a readiness wait
			select {
			case <-t.C:
			case <-changed:
			case <-quit:
				t.Stop()
				return
			}
			t.Stop()
		}
		_, err := c.Write(ch.b)
		queued.Add(-1)
		if err != nil {
			return
		}
	}
}

func (l *replink) track(conns ...net.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conns == nil {
		for _, c := range conns {
			c.Close()
		}
		return false
	}
	for _, c := range conns {
		l.conns[c] = struct{}{}
	}
	return true
}

func (l *replink) untrack(conns ...net.Conn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range conns {
		delete(l.conns, c)
		c.Close()
	}
}

// close stops the link and waits for its goroutines.
func (l *replink) close() {
	l.ln.Close()
	l.mu.Lock()
	for c := range l.conns {
		c.Close()
	}
	l.conns = nil
	l.mu.Unlock()
	l.wg.Wait()
}
