package fakecdn

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"sync"
	"time"
)

type decisionKey struct{}

// ServeHTTP decides the request and forwards it, or answers 503.
func (lb *LB) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	dc := &decisionContext{Context: r.Context()}
	s := lb.decideInto(dc, r, time.Now())
	d := &dc.d
	if d.member == nil {
		lb.unavailable(w, r, s, d)
		return
	}
	if !lb.memberDelay(r.Context(), d) {
		return
	}
	lb.proxy.ServeHTTP(w, r.WithContext(dc))
}

// decideInto decides r into dc with the current snapshot, which it
// returns; start is when the request arrived. Both servers call it
// (ServeHTTP, and FastServer's fastConn.answer).
func (lb *LB) decideInto(dc *decisionContext, r *http.Request, start time.Time) *snapshot {
	s := lb.snap.Load()
	bufp, _ := lb.buf.Get().(*[]*member)
	if bufp == nil {
		buf := make([]*member, 0, len(lb.pool.members))
		bufp = &buf
	}
	dc.d = s.decide(r, (*bufp)[:0])
	lb.buf.Put(bufp)
	dc.d.start = start
	return s
}

// memberDelay waits out the chosen member's simulated latency; false when
// the client gave up meanwhile (the decision is counted, nothing answered).
func (lb *LB) memberDelay(ctx context.Context, d *decision) bool {
	if delay := d.member.getDelay(); delay > 0 && !sleep(ctx, delay) {
		lb.metrics.decided(d)
		return false
	}
	return true
}

// decisionContext is the request's context carrying its decision under
// decisionKey: one allocation where context.WithValue and a separately
// allocated decision took two. Everything else is the parent's.
type decisionContext struct {
	context.Context
	d decision
}

func (c *decisionContext) Value(key any) any {
	if _, ok := key.(decisionKey); ok {
		return &c.d
	}
	return c.Context.Value(key)
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func (lb *LB) newProxy() *httputil.ReverseProxy {
	return &httputil.ReverseProxy{
		Rewrite:        lb.rewrite,
		Transport:      &redispatcher{lb: lb, next: lb.transport},
		ModifyResponse: lb.modifyResponse,
		ErrorHandler:   lb.errorHandler,
		ErrorLog:       slog.NewLogLogger(lb.log.Handler(), slog.LevelWarn),
		BufferPool:     bufferPool{},
	}
}

// bufferPool recycles the body copy buffers: without it ReverseProxy
// allocates 32 KiB per request, which dominated the GC profile under load.
type bufferPool struct{}

var copyBuffers = sync.Pool{New: func() any { return new([32 << 10]byte) }}

func (bufferPool) Get() []byte  { return copyBuffers.Get().(*[32 << 10]byte)[:] }
func (bufferPool) Put(b []byte) { copyBuffers.Put((*[32 << 10]byte)(b[:32<<10])) }

func decisionOf(r *http.Request) *decision {
	d, _ := r.Context().Value(decisionKey{}).(*decision)
	return d
}

// rewrite points the request at the chosen member, keeps the client's Host,
// and sets X-Forwarded-For/-Proto/-Host and True-Client-IP. It remembers the
// inbound request and makes a small body replayable, for a redispatch.
func (lb *LB) rewrite(pr *httputil.ProxyRequest) {
	d := decisionOf(pr.In)
	d.in, d.query = pr.In, pr.Out.URL.RawQuery
	if len(lb.pool.members) > 1 {
		bufferBody(pr.Out)
	}
	pr.SetURL(d.member.url)
	pr.Out.Host = pr.In.Host
	cfg := &lb.snap.Load().cfg
	setForwarded(pr, cfg.Role == "dc" || cfg.TrustClientIP)
}

func (lb *LB) modifyResponse(resp *http.Response) error {
	d := decisionOf(resp.Request)
	s := lb.snap.Load()
	if s.headers {
		writeDecision(resp.Header, s, d, time.Since(d.start))
	}
	s.insertCookie(resp.Header, d)
	lb.account(d, resp.StatusCode)
	lb.logRequest(resp.Request, s, d, resp.StatusCode)
	return nil
}

// errorHandler answers 502 for a failed member and counts the failure as a
// failed health check, unless it was the client that went away or the
// redispatcher already dealt with it (a 503 when no other member could serve).
func (lb *LB) errorHandler(w http.ResponseWriter, r *http.Request, err error) {
	d := decisionOf(r)
	s := lb.snap.Load()
	var rerr *redispatchError
	switch {
	case errors.As(err, &rerr) && d.member == nil:
		lb.unavailable(w, r, s, d, slog.String("error", rerr.err.Error()))
		return
	case rerr == nil && r.Context().Err() == nil && !errors.Is(err, context.Canceled):
		lb.observe(s, d.member, false, "passive: "+err.Error())
	}
	if s.headers {
		writeDecision(w.Header(), s, d, time.Since(d.start))
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusBadGateway)
	_, _ = w.Write([]byte("502 Bad Gateway: member " + d.name + " failed\n"))
	lb.account(d, http.StatusBadGateway)
	lb.logRequest(r, s, d, http.StatusBadGateway, slog.String("error", err.Error()))
}

// unavailable answers the LB's own 503s (no-member, rejected, member-down).
func (lb *LB) unavailable(w http.ResponseWriter, r *http.Request, s *snapshot, d *decision, extra ...slog.Attr) {
	if s.headers {
		writeDecision(w.Header(), s, d, time.Since(d.start))
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = w.Write([]byte("503 Service Unavailable: " + d.reason + "\n"))
	lb.account(d, http.StatusServiceUnavailable)
	lb.logRequest(r, s, d, http.StatusServiceUnavailable, extra...)
}

// account counts a finished request under its final decision: a redispatch
// may have changed the member and reason since the request arrived.
func (lb *LB) account(d *decision, code int) {
	lb.metrics.decided(d)
	if d.member != nil {
		d.member.requests.Add(1)
	}
	lb.metrics.responded(d, code)
}
