package fakecdn

import (
	"net/http"
	"net/http/httputil"
	"strconv"
	"strings"
	"time"
)

// Decision header names (docs/ARCHITECTURE.md).
const (
	HeaderEdge          = "X-Stickylab-Edge"
	HeaderLB            = "X-Stickylab-LB"
	HeaderServerTiming  = "Server-Timing"
	HeaderTrueClientIP  = "True-Client-IP"
	headerXForwardedFor = "X-Forwarded-For"
)

// writeDecision sets the tier's decision header and appends its Server-Timing
// entry after the upstream's: edge "dc=<m>; reason=<r>" + edge;dur=..;desc="<m>",
// dc "lb=<lb>; member=<m>; reason=<r>" + lb;dur=..;desc="<m>".
func writeDecision(h http.Header, s *snapshot, d *decision, dur time.Duration) {
	ms := strconv.FormatFloat(float64(dur.Microseconds())/1000, 'f', 2, 64)
	var timing string
	if s.cfg.Role == "edge" {
		h.Set(HeaderEdge, "dc="+d.name+"; reason="+d.reason)
		timing = "edge;dur=" + ms + `;desc="` + d.name + `"`
	} else {
		h.Set(HeaderLB, "lb="+s.cfg.Name+"; member="+d.name+"; reason="+d.reason)
		timing = "lb;dur=" + ms + `;desc="` + d.name + `"`
	}
	if prev := h.Values(HeaderServerTiming); len(prev) > 0 {
		timing = strings.Join(prev, ", ") + ", " + timing
	}
	h.Set(HeaderServerTiming, timing)
}

// setForwarded appends the peer to X-Forwarded-For, keeps an https scheme
// the previous tier reported, and sets True-Client-IP: from the peer at the
// edge, kept from the edge at role=dc.
func setForwarded(pr *httputil.ProxyRequest, role string) {
	in, out := pr.In, pr.Out
	peer := peerIP(in)
	if prior := in.Header.Values(headerXForwardedFor); len(prior) > 0 {
		out.Header.Set(headerXForwardedFor, strings.Join(prior, ", ")+", "+peer)
	} else {
		out.Header.Set(headerXForwardedFor, peer)
	}
	proto := "http"
	if clientHTTPS(in) {
		proto = "https"
	}
	out.Header.Set("X-Forwarded-Proto", proto)
	if host := in.Header.Get("X-Forwarded-Host"); host != "" {
		out.Header.Set("X-Forwarded-Host", host)
	} else {
		out.Header.Set("X-Forwarded-Host", in.Host)
	}
	if role == "dc" && in.Header.Get(HeaderTrueClientIP) != "" {
		return // set by the edge; keep it
	}
	out.Header.Set(HeaderTrueClientIP, peer)
}
