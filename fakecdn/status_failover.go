package fakecdn

import (
	"io"
	"net/http"
	"net/http/httputil"
	"slices"
)

// statusFailover is the Akamai Application Load Balancer Cloudlet's origin
// failover: when the chosen member answers one of failover_status_codes
// (500–509 by default in the akamai-alb profile), an idempotent request is
// sent to another member, up to failover_attempts times, and the client is
// re-pinned to the member that answered (reason failover). It wraps the
// proxy's transport (the redispatcher, which still handles connect
// failures) and does nothing without failover_status_codes.
type statusFailover struct {
	lb   *LB
	next http.RoundTripper
}

func (sf *statusFailover) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := sf.next.RoundTrip(req)
	s := sf.lb.snap.Load()
	if err != nil || len(s.cfg.FailoverStatusCodes) == 0 || !idempotent(req) {
		return resp, err
	}
	d := decisionOf(req)
	if d == nil || d.in == nil || d.member == nil {
		return resp, nil
	}
	tried := make([]*member, 0, len(s.pool.members))
	for range s.cfg.FailoverAttempts {
		if !slices.Contains(s.cfg.FailoverStatusCodes, resp.StatusCode) {
			break
		}
		tried = append(tried, d.member)
		usable := slices.DeleteFunc(s.pool.usable(nil), func(m *member) bool { return slices.Contains(tried, m) })
		if len(usable) == 0 {
			break
		}
		out := sf.retry(req, d, s, usable)
		next, err := sf.next.RoundTrip(out)
		if err != nil {
			return resp, nil // keep the origin's answer rather than a transport error
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		resp = next
	}
	return resp, nil
}

// retry re-decides d onto another usable member, re-pinning the client,
// and builds the outbound request for it.
func (sf *statusFailover) retry(req *http.Request, d *decision, s *snapshot, usable []*member) *http.Request {
	m := s.selector.Select(usable, d.in)
	if m == nil {
		m = s.fallback.Select(usable, d.in)
	}
	*d = decision{member: m, name: m.name, reason: ReasonFailover, status: d.status,
		setCookie: s.persist.pin(d.in, m), start: d.start, in: d.in, query: d.query}
	out := req.Clone(req.Context())
	u := *d.in.URL
	u.RawQuery = d.query
	out.URL = &u
	sf.lb.rewrite(&httputil.ProxyRequest{In: d.in, Out: out})
	return out
}

// idempotent reports whether a request may be sent twice (RFC 9110) and
// carries no body that could not be.
func idempotent(req *http.Request) bool {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	case http.MethodPut, http.MethodDelete:
		return req.Body == nil || req.Body == http.NoBody
	}
	return false
}
