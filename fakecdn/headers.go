package fakecdn

import (
	"net/http"
	"net/http/httputil"
	"strconv"
	"strings"
	"time"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// Decision header names (docs/ARCHITECTURE.md).
const (
	HeaderEdge          = policy.HeaderEdge
	HeaderLB            = policy.HeaderLB
	HeaderServerTiming  = policy.HeaderServerTiming
	HeaderTrueClientIP  = policy.HeaderTrueClientIP
	headerXForwardedFor = "X-Forwarded-For"
)

// Canonical forms of the header names the hot path writes directly into
// header maps (http.Header.Set would canonicalise them on every call).
var (
	keyEdge           = http.CanonicalHeaderKey(HeaderEdge)
	keyLB             = http.CanonicalHeaderKey(HeaderLB)
	keyServerTiming   = http.CanonicalHeaderKey(HeaderServerTiming)
	keyTrueClientIP   = http.CanonicalHeaderKey(HeaderTrueClientIP)
	keyXForwardedFor  = http.CanonicalHeaderKey(headerXForwardedFor)
	keyXForwardedProt = http.CanonicalHeaderKey("X-Forwarded-Proto")
	keyXForwardedHost = http.CanonicalHeaderKey("X-Forwarded-Host")
)

// writeDecision sets the tier's decision header and appends its Server-Timing
// entry after the upstream's: edge "dc=<m>; reason=<r>" + edge;dur=..;desc="<m>",
// dc "lb=<lb>; member=<m>; reason=<r>" + lb;dur=..;desc="<m>".
// Both values are built in one buffer and share one string; their slices
// are windows of capacity 1 on the decision's own array (allocated with it),
// so a later Add cannot clobber the other.
func writeDecision(h http.Header, s *snapshot, d *decision, dur time.Duration) {
	var scratch [256]byte
	b := scratch[:0]
	key, tier := keyLB, "lb"
	if s.cfg.Role == policy.RoleEdge {
		key, tier = keyEdge, "edge"
		b = append(b, "dc="...)
	} else {
		b = append(b, "lb="...)
		b = append(b, s.cfg.Name...)
		b = append(b, "; member="...)
	}
	b = append(b, d.name...)
	b = append(b, "; reason="...)
	b = append(b, d.reason...)
	n := len(b)
	for _, v := range h[keyServerTiming] {
		b = append(b, v...)
		b = append(b, ", "...)
	}
	b = append(b, tier...)
	b = append(b, ";dur="...)
	b = strconv.AppendFloat(b, float64(dur.Microseconds())/1000, 'f', 2, 64)
	b = append(b, `;desc="`...)
	b = append(b, d.name...)
	b = append(b, '"')
	all := string(b)
	vals := d.headerVals[:]
	vals[0], vals[1] = all[:n], all[n:]
	h[key] = vals[0:1:1]
	h[keyServerTiming] = vals[1:2:2]
}

// setForwarded appends the peer to X-Forwarded-For, keeps an https scheme
// the previous tier reported, and sets True-Client-IP from the peer unless
// keepClientIP and the request already carries one (role=dc keeps the
// edge's; an edge with trust_client_ip keeps the client's).
func setForwarded(pr *httputil.ProxyRequest, keepClientIP bool) {
	in, out := pr.In, pr.Out
	peer := peerIP(in)
	vals := make([]string, 0, 4) // one backing array for the four headers
	set := func(key, v string) {
		vals = append(vals, v)
		out.Header[key] = vals[len(vals)-1 : len(vals) : len(vals)]
	}
	if prior := in.Header.Values(headerXForwardedFor); len(prior) > 0 {
		set(keyXForwardedFor, strings.Join(prior, ", ")+", "+peer)
	} else {
		set(keyXForwardedFor, peer)
	}
	proto := "http"
	if clientHTTPS(in) {
		proto = "https"
	}
	set(keyXForwardedProt, proto)
	if host := firstValue(in.Header, keyXForwardedHost); host != "" {
		set(keyXForwardedHost, host)
	} else {
		set(keyXForwardedHost, in.Host)
	}
	if keepClientIP && firstValue(in.Header, keyTrueClientIP) != "" {
		return // set by the tier before; keep it
	}
	set(keyTrueClientIP, peer)
}

// firstValue is h.Get(key) for a key already canonical, which Get would
// canonicalise again (an allocation for "True-Client-IP").
func firstValue(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}
