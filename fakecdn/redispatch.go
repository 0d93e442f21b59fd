package fakecdn

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"slices"
)

// maxReplayBody is the largest request body kept for a redispatch; login
// forms are a few hundred bytes. A larger body is streamed and not retried.
const maxReplayBody = 1 << 20

// redispatcher is the proxy's transport. When the member the LB decided on
// cannot be reached — the connection was never made, so the member saw
// nothing of the request — it marks the member unhealthy and applies the
// member-down policy to this request, as HAProxy's "option redispatch" and
// F5's "action on service down: reselect" do: another member (failover,
// temporary, or a fresh pick for an unpinned request), or a 503 (strict,
// or nothing left). Each member is tried at most once per request.
type redispatcher struct {
	lb   *LB
	next http.RoundTripper
}

// redispatchError carries a connect failure the redispatcher has already
// counted against the member; with no member left in the decision the
// ErrorHandler answers the LB's 503, otherwise 502.
type redispatchError struct{ err error }

func (e *redispatchError) Error() string { return e.err.Error() }
func (e *redispatchError) Unwrap() error { return e.err }

func (rd *redispatcher) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := rd.next.RoundTrip(req)
	if err == nil || !notSent(req, err) {
		return resp, err
	}
	d := decisionOf(req)
	if d == nil || d.in == nil || d.member == nil {
		return nil, err
	}
	return rd.redispatch(req, d, err)
}

// redispatch re-decides d after d.member failed with err and sends the
// request again, until a member answers, a failure is not a connect
// failure, or no untried member is left.
func (rd *redispatcher) redispatch(req *http.Request, d *decision, err error) (*http.Response, error) {
	tried := make([]*member, 0, len(rd.lb.pool.members))
	for {
		s := rd.lb.snap.Load()
		rd.lb.unreachable(s, d.member, err)
		tried = append(tried, d.member)
		usable := slices.DeleteFunc(s.pool.usable(nil), func(m *member) bool { return slices.Contains(tried, m) })
		if len(usable) > 0 && !replayable(req) {
			return nil, &redispatchError{err} // 502: the body cannot be sent again
		}
		*d = s.redecide(d, usable)
		if d.member == nil {
			return nil, &redispatchError{err} // 503 member-down or no-member
		}
		out, rerr := rd.retarget(req, d)
		if rerr != nil {
			return nil, rerr
		}
		var resp *http.Response
		if resp, err = rd.next.RoundTrip(out); err == nil || !notSent(out, err) {
			return resp, err
		}
	}
}

// retarget clones the failed outbound request for d.member, after that
// member's simulated delay, with the same headers and a fresh copy of the body.
func (rd *redispatcher) retarget(req *http.Request, d *decision) (*http.Request, error) {
	if delay := d.member.getDelay(); delay > 0 && !sleep(req.Context(), delay) {
		return nil, req.Context().Err()
	}
	out := req.Clone(req.Context())
	u := *d.in.URL
	u.RawQuery = d.query
	out.URL = &u
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		out.Body = body
	}
	rd.lb.rewrite(&httputil.ProxyRequest{In: d.in, Out: out})
	return out, nil
}

// redecide is decide for a request whose member d.member turned out
// unreachable; usable excludes it. A pinned request gets on_member_down,
// a re-dispatched one keeps its reason, an unpinned one a fresh pick.
func (s *snapshot) redecide(d *decision, usable []*member) decision {
	var nd decision
	switch d.reason {
	case ReasonPersisted:
		nd = s.pinnedDown(d.in, d.member, usable)
	case ReasonFailover, ReasonUndecodable:
		nd = s.fresh(d.in, usable, d.reason, d.status, true)
	case ReasonTemporary:
		nd = s.fresh(d.in, usable, d.reason, d.status, false)
	default: // new, hash, passthrough
		nd = s.fresh(d.in, usable, "", statusNone, true)
	}
	nd.start, nd.in, nd.query = d.start, d.in, d.query
	return nd
}

// notSent reports whether err proves the request never reached the member:
// the connection could not be made (refused, no route, dial timeout, a name
// that no longer resolves). A connection that broke after it was made is not
// retried here: the member may have received the request. Go's transport
// already re-dials by itself when a kept-alive connection turns out closed
// before anything was written (for a GET, or a body with GetBody), and that
// dial's failure comes here. A request the client gave up on is not retried.
func notSent(req *http.Request, err error) bool {
	if req.Context().Err() != nil {
		return false
	}
	var dnsErr *net.DNSError
	var opErr *net.OpError
	return errors.As(err, &dnsErr) || (errors.As(err, &opErr) && opErr.Op == "dial")
}

func replayable(req *http.Request) bool {
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

// bufferBody reads a body of up to maxReplayBody bytes into memory and sets
// GetBody, so it can be sent again to another member. A larger body, or one
// that fails to read, is passed on as it comes (prefix first) and not replayable.
func bufferBody(out *http.Request) {
	if replayable(out) || out.ContentLength > maxReplayBody {
		return
	}
	body := out.Body
	buf, err := io.ReadAll(io.LimitReader(body, maxReplayBody+1))
	if err != nil || len(buf) > maxReplayBody {
		rest := body
		if err != nil {
			rest = errReadCloser{err}
		}
		out.Body = readCloser{io.MultiReader(bytes.NewReader(buf), rest), body}
		return
	}
	out.Body = io.NopCloser(bytes.NewReader(buf))
	out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(buf)), nil }
}

type readCloser struct {
	io.Reader
	io.Closer
}

type errReadCloser struct{ err error }

func (e errReadCloser) Read([]byte) (int, error) { return 0, e.err }
func (e errReadCloser) Close() error             { return nil }
