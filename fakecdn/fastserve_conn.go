package fakecdn

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/textproto"
	"sync"
	"sync/atomic"
	"time"
)

// States of a fastConn, for Shutdown.
const (
	connActive int32 = iota // reading or answering a request
	connIdle                // waiting for the next request
	connClosed              // closed by Shutdown while idle
)

// fastConn is one client connection of a FastServer and its goroutine.
type fastConn struct {
	s      *FastServer
	conn   net.Conn
	br     *bufio.Reader
	bw     *bufio.Writer
	remote string
	ctx    context.Context // every request's context: carries the 1xx trace
	state  atomic.Int32

	mu       sync.Mutex           // guards bw against a late 1xx from another goroutine
	headDone bool                 // the final response head is written: no more 1xx
	tls      *tls.ConnectionState // a TLS connection's, for every request on it
	isHEAD   bool
	readBy   time.Time    // the read deadline set last
	writeBy  time.Time    // the write deadline set last
	scratch  http.Request // the request being parsed, copied into its own once decided
}

var (
	fastReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, fastBufSize) }}
	fastWriters = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, fastBufSize) }}
)

func newFastConn(s *FastServer, conn net.Conn) *fastConn {
	c := &fastConn{s: s, conn: conn, remote: conn.RemoteAddr().String()}
	c.br = fastReaders.Get().(*bufio.Reader)
	c.br.Reset(conn)
	c.bw = fastWriters.Get().(*bufio.Writer)
	c.bw.Reset(conn)
	// One trace per connection, not per request: its requests come one
	// after another, and ReverseProxy's per-request trace cost four
	// allocations.
	c.ctx = httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{Got1xxResponse: c.got1xx})
	return c
}

// serve answers the connection's requests until it closes, or hands the
// connection to net/http's server.
func (c *fastConn) serve() {
	handed := false
	defer func() {
		c.s.forget(c)
		if !handed {
			c.conn.Close()
			c.br.Reset(nil)
			fastReaders.Put(c.br)
		}
		c.bw.Reset(nil)
		fastWriters.Put(c.bw)
	}()
	c.setReadDeadline(c.s.readHeaderTimeout)
	if tc, ok := c.conn.(*tls.Conn); ok {
		var serve bool
		if handed, serve = c.handshake(tc); !serve {
			return
		}
	}
	for {
		c.state.Store(connIdle)
		if c.s.closing.Load() {
			return
		}
		if _, err := c.br.Peek(1); err != nil {
			return // closed, or idle too long
		}
		if !c.state.CompareAndSwap(connIdle, connActive) {
			return // Shutdown closed it meanwhile
		}
		head, ok := c.readHead()
		if !ok {
			handed = c.handOff()
			return
		}
		in, fr, ok := c.parse(head)
		if !ok {
			handed = c.handOff()
			return
		}
		if !c.readBody(in, fr, len(head)) {
			return
		}
		if !c.answer(in, fr) {
			return
		}
		c.keepReadDeadline(c.s.idleTimeout)
	}
}

func (c *fastConn) setReadDeadline(d time.Duration) {
	if d > 0 {
		c.readBy = time.Now().Add(d)
		_ = c.conn.SetReadDeadline(c.readBy)
	}
}

// keepReadDeadline is setReadDeadline for the wait between requests, moved
// only once less than half of d is left: a connection idles between d/2
// and d, for one timer update every few thousand requests instead of one
// per request (the same for writes, keepWriteDeadline).
func (c *fastConn) keepReadDeadline(d time.Duration) {
	if d > 0 && time.Until(c.readBy) < d/2 {
		c.setReadDeadline(d)
	}
}

func (c *fastConn) keepWriteDeadline(d time.Duration) {
	if now := time.Now(); d > 0 && c.writeBy.Sub(now) < d/2 {
		c.writeBy = now.Add(d)
		_ = c.conn.SetWriteDeadline(c.writeBy)
	}
}

var headEnd = []byte("\r\n\r\n")

// readHead waits until the request head is in the buffer and returns it,
// blank line included, without consuming it; false when it does not fit
// the buffer or the connection failed midway (net/http's server answers).
func (c *fastConn) readHead() ([]byte, bool) {
	waited := false
	for {
		buf, _ := c.br.Peek(c.br.Buffered())
		if i := bytes.Index(buf, headEnd); i >= 0 {
			return buf[:i+len(headEnd)], true
		}
		if len(buf) == c.br.Size() {
			return nil, false
		}
		if !waited {
			c.setReadDeadline(c.s.readHeaderTimeout)
			waited = true
		}
		if _, err := c.br.Peek(len(buf) + 1); err != nil {
			return nil, false
		}
	}
}

// parse builds the inbound request from head; false: not one for the fast path.
func (c *fastConn) parse(head []byte) (*http.Request, *fastRequest, bool) {
	fr := new(fastRequest)
	r := &c.scratch
	if !parseRequestHead(string(head[:len(head)-2]), r, &fr.url, fr.vals[:]) {
		return nil, nil, false
	}
	if r.ContentLength > fastMaxBody {
		return nil, nil, false // streamed by net/http
	}
	fr.dc.Context = c.ctx
	r.RemoteAddr, r.TLS = c.remote, c.tls
	fr.in = *r.WithContext(&fr.dc) // inlined, its copy stays on the stack
	*r = http.Request{}
	in := &fr.in
	return in, fr, true
}

// readBody consumes the head and reads the body, which is small, into memory.
func (c *fastConn) readBody(in *http.Request, fr *fastRequest, headLen int) bool {
	_, _ = c.br.Discard(headLen)
	if in.ContentLength == 0 {
		in.Body = http.NoBody
		return true
	}
	if int64(c.br.Buffered()) < in.ContentLength {
		c.setReadDeadline(c.s.readTimeout)
	}
	fr.body = make([]byte, in.ContentLength)
	if _, err := io.ReadFull(c.br, fr.body); err != nil {
		return false
	}
	in.Body = fr.newBody()
	return true
}

// handOff gives the connection, with what was read of it, to net/http's server.
func (c *fastConn) handOff() bool {
	hc := &handedConn{Conn: c.conn, br: c.br}
	if tc, ok := c.conn.(*tls.Conn); ok {
		return c.handOver(handedTLSConn{hc, tc})
	}
	return c.handOver(hc)
}

// handOver pushes conn, the connection or what wraps it, to net/http's
// server, which sets its own deadlines.
func (c *fastConn) handOver(conn net.Conn) bool {
	_ = c.conn.SetReadDeadline(time.Time{})
	c.s.handed.Add(1)
	return c.s.handoff.push(conn)
}

// got1xx forwards an informational response while the final one is awaited,
// as ReverseProxy does.
func (c *fastConn) got1xx(code int, header textproto.MIMEHeader) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.headDone {
		return nil
	}
	writeStatusLine(c.bw, code)
	writeHeaderFields(c.bw, http.Header(header), excludedNoBody)
	c.bw.WriteString("\r\n")
	return c.bw.Flush()
}
