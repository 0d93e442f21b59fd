package fakecdn

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/textproto"
	"sync"
	"sync/atomic"
	"time"
)

// Limits of the calling-goroutine transport.
const (
	// fastMaxBody is the largest request body sent on the fast path: it is
	// written whole before the response is read, so it must fit the socket
	// buffers even when the member answers without reading it.
	fastMaxBody = 64 << 10
	// fastIdleTimeout is below fakeapp's and fakecdn's server IdleTimeout
	// (60 s, 2 min), so the member rarely closes a connection we still pool.
	fastIdleTimeout = 30 * time.Second
	fastMaxIdle     = 256 // per member address
	fastMax1xx      = 5   // informational responses before the final one
	fastBufSize     = 4 << 10
)

// h1Transport is the LB's HTTP/1.1 client for plain-http members. It writes
// the request and reads the response on the calling goroutine over pooled
// keep-alive connections, where net/http's Transport hands each request to a
// connection's writeLoop and readLoop goroutines and back: under load those
// hand-offs, not the lab's decisions, were where a proxied request spent its
// time (docs/fakecdn.md, "Profile"). The response body streams from the
// connection; the connection returns to the pool once the body was read to
// its end.
//
// What it does not do it leaves to fallback, net/http's Transport: https
// members, protocol upgrades, "Expect: 100-continue", and request bodies
// that are not in memory (streamed uploads, or more than fastMaxBody), for
// which net/http writes and reads at the same time.
type h1Transport struct {
	fallback      *http.Transport
	dial          func(ctx context.Context, network, addr string) (net.Conn, error)
	headerTimeout time.Duration

	mu   sync.Mutex
	idle map[string][]*h1Conn // by member address, most recently used last
}

func newH1Transport(fallback *http.Transport) *h1Transport {
	return &h1Transport{
		fallback:      fallback,
		dial:          fallback.DialContext,
		headerTimeout: fallback.ResponseHeaderTimeout,
		idle:          make(map[string][]*h1Conn),
	}
}

// h1Conn is one keep-alive connection to a member.
type h1Conn struct {
	addr     string
	conn     net.Conn
	br       *bufio.Reader
	bw       *bufio.Writer
	reused   bool
	idleAt   time.Time
	canceled atomic.Bool // the request's context ended while the conn was in use
	cancel   func()      // for context.AfterFunc, made once per connection
}

func (t *h1Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !fastPath(req) {
		return t.fallback.RoundTrip(req)
	}
	addr := memberAddr(req)
	for {
		c, err := t.get(req.Context(), addr, retriable(req))
		if err != nil {
			return nil, err
		}
		resp, err := t.exchange(c, req)
		if err == nil {
			return resp, nil
		}
		// A kept-alive connection the member had already closed fails
		// before any response byte; like net/http, send a request that
		// may be repeated once more on a fresh connection.
		var se staleError
		if !c.reused || !errors.As(err, &se) || !retriable(req) || req.Context().Err() != nil {
			return nil, unwrapStale(err)
		}
		if req.GetBody != nil {
			if req.Body, err = req.GetBody(); err != nil {
				return nil, err
			}
		}
	}
}

// fastPath reports whether req is one the calling-goroutine path handles.
func fastPath(req *http.Request) bool {
	if req.URL.Scheme != "http" || req.Header.Get("Upgrade") != "" || req.Header.Get("Expect") != "" {
		return false
	}
	if req.Body == nil || req.Body == http.NoBody {
		return true
	}
	return req.GetBody != nil && req.ContentLength >= 0 && req.ContentLength <= fastMaxBody
}

func retriable(req *http.Request) bool {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	return false
}

// memberAddr is the dial address of req's member, with the default port.
func memberAddr(req *http.Request) string {
	host := req.URL.Host
	if req.URL.Port() == "" {
		return net.JoinHostPort(req.URL.Hostname(), "80")
	}
	return host
}

// get takes the most recently used idle connection to addr, or dials one.
// A request that must not be sent twice (a POST) gets a pooled connection
// only when the member has not closed it meanwhile.
func (t *h1Transport) get(ctx context.Context, addr string, idem bool) (*h1Conn, error) {
	now := time.Now()
	for {
		t.mu.Lock()
		conns := t.idle[addr]
		if len(conns) == 0 {
			t.mu.Unlock()
			break
		}
		c := conns[len(conns)-1]
		conns[len(conns)-1] = nil
		t.idle[addr] = conns[:len(conns)-1]
		t.mu.Unlock()
		if now.Sub(c.idleAt) > fastIdleTimeout || (!idem && !alive(c.conn)) {
			c.conn.Close()
			continue
		}
		c.reused = true
		return c, nil
	}
	conn, err := t.dial(ctx, "tcp", addr)
	if err != nil {
		return nil, err // a *net.OpError with Op "dial": notSent recognises it
	}
	c := &h1Conn{
		addr: addr,
		conn: conn,
		br:   bufio.NewReaderSize(conn, fastBufSize),
		bw:   bufio.NewWriterSize(conn, fastBufSize),
	}
	c.cancel = func() {
		c.canceled.Store(true)
		_ = c.conn.SetDeadline(aLongTimeAgo) // unblocks a read or write in progress
	}
	return c, nil
}

// put returns c to the pool, or closes it when the pool is full.
func (t *h1Transport) put(c *h1Conn) {
	c.idleAt = time.Now()
	t.mu.Lock()
	if len(t.idle[c.addr]) >= fastMaxIdle {
		t.mu.Unlock()
		c.conn.Close()
		return
	}
	t.idle[c.addr] = append(t.idle[c.addr], c)
	t.mu.Unlock()
}

// CloseIdleConnections closes the pooled connections, the fallback's too.
func (t *h1Transport) CloseIdleConnections() {
	t.mu.Lock()
	idle := t.idle
	t.idle = make(map[string][]*h1Conn)
	t.mu.Unlock()
	for _, conns := range idle {
		for _, c := range conns {
			c.conn.Close()
		}
	}
	t.fallback.CloseIdleConnections()
}

// exchange writes req on c and reads the response head; the body streams
// from c afterwards. On error c is closed.
func (t *h1Transport) exchange(c *h1Conn, req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	c.canceled.Store(false)
	stop := neverCanceled
	if ctx.Done() != nil { // FastServer's requests have none: nothing to watch
		stop = context.AfterFunc(ctx, c.cancel)
	}
	err := writeRequest(c.bw, req)
	if err == nil {
		err = c.bw.Flush()
	}
	if err != nil {
		return nil, c.fail(ctx, stop, staleError{fmt.Errorf("write request: %w", err)})
	}
	resp, err := t.readResponse(c, req)
	if err != nil {
		return nil, c.fail(ctx, stop, err)
	}
	b := &h1Body{t: t, c: c, body: resp.Body, remain: resp.ContentLength, stop: stop, keep: !resp.Close && !req.Close}
	if resp.Body == nil && resp.ContentLength == 0 {
		resp.Body = http.NoBody // as ReadResponse answers an empty body
	}
	if resp.Body == http.NoBody {
		b.finish(true)
		return resp, nil
	}
	resp.Body = b
	return resp, nil
}

// fail closes c after a failed exchange; the context's error wins.
func (c *h1Conn) fail(ctx context.Context, stop func() bool, err error) error {
	stop()
	c.conn.Close()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// readResponse reads the final response head, passing informational (1xx)
// responses to the request's httptrace, where ReverseProxy forwards them.
func (t *h1Transport) readResponse(c *h1Conn, req *http.Request) (*http.Response, error) {
	if t.headerTimeout > 0 {
		_ = c.conn.SetReadDeadline(time.Now().Add(t.headerTimeout))
	}
	trace := httptrace.ContextClientTrace(req.Context())
	for n := 0; ; n++ {
		if _, err := c.br.Peek(1); err != nil {
			return nil, staleError{fmt.Errorf("read response: %w", err)}
		}
		if resp, ok := readSimpleResponse(c.br, req); ok {
			return t.headRead(c, resp), nil
		}
		resp, err := http.ReadResponse(c.br, req)
		if err != nil {
			return nil, fmt.Errorf("read response: %w", err)
		}
		code := resp.StatusCode
		if code < 100 || code > 199 || code == http.StatusSwitchingProtocols {
			return t.headRead(c, resp), nil
		}
		if n == fastMax1xx {
			return nil, fmt.Errorf("read response: more than %d informational responses", fastMax1xx)
		}
		if trace != nil && trace.Got1xxResponse != nil {
			if err := trace.Got1xxResponse(code, textproto.MIMEHeader(resp.Header)); err != nil {
				return nil, err
			}
		}
	}
}

// headRead lifts the header timeout once the final response head is in.
func (t *h1Transport) headRead(c *h1Conn, resp *http.Response) *http.Response {
	if t.headerTimeout > 0 {
		_ = c.conn.SetReadDeadline(time.Time{})
		if c.canceled.Load() { // the cancellation's deadline was just undone
			_ = c.conn.SetDeadline(aLongTimeAgo)
		}
	}
	return resp
}

var aLongTimeAgo = time.Unix(1, 0)

// neverCanceled is the stop function of a context that cannot end.
func neverCanceled() bool { return true }

// staleError is a failure before any byte of the response arrived, which
// on a reused connection means the member had closed it while idle.
type staleError struct{ err error }

func (e staleError) Error() string { return e.err.Error() }
func (e staleError) Unwrap() error { return e.err }

func unwrapStale(err error) error {
	if se, ok := err.(staleError); ok {
		return se.err
	}
	return err
}

// h1Body is a response body streaming from its connection: read to its end
// it gives the connection back to the pool; closed earlier it closes it.
type h1Body struct {
	t      *h1Transport
	c      *h1Conn
	body   io.ReadCloser // http.ReadResponse's; nil: remain bytes left in c.br (readSimpleResponse)
	remain int64
	stop   func() bool
	keep   bool
	mu     sync.Mutex
	done   bool
}

func (b *h1Body) Read(p []byte) (int, error) {
	if b.body == nil {
		return b.readLength(p)
	}
	n, err := b.body.Read(p)
	if err != nil {
		b.finish(err == io.EOF)
	}
	return n, err
}

// readLength reads the remain bytes of a Content-Length body from c.br; the
// read that reaches the end reports io.EOF with them, so the connection goes
// back to the pool at once.
func (b *h1Body) readLength(p []byte) (int, error) {
	if b.remain == 0 {
		b.finish(true)
		return 0, io.EOF
	}
	if int64(len(p)) > b.remain {
		p = p[:b.remain]
	}
	n, err := b.c.br.Read(p)
	b.remain -= int64(n)
	switch {
	case b.remain == 0:
		b.finish(true)
		return n, io.EOF
	case err == io.EOF:
		err = io.ErrUnexpectedEOF // as net/http's body reports a short one
	}
	if err != nil {
		b.finish(false)
	}
	return n, err
}

// Close closes the connection unless the body was read to its end: draining
// a long or endless stream would hold the request up.
func (b *h1Body) Close() error {
	b.finish(false)
	return nil
}

func (b *h1Body) finish(eof bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return
	}
	b.done = true
	if b.stop() && eof && b.keep && !b.c.canceled.Load() {
		b.t.put(b.c)
		return
	}
	b.c.conn.Close()
}
