package stats

import (
	"fmt"
	"math"
	"time"

	"github.com/stickylab/stickylab/lab/topology"
)

// ExpectedPaced is Expected for a flow whose consecutive requests are gap
// apart on average: it matters only with DNS steering (edge.steering: dns),
// where the rate depends on how the flow's length compares with dns_ttl.
//
// The model (docs/analysis.md, "DNS steering"): a resolver looks the name
// up, gets datacenter i with probability wᵢ, and keeps the answer for T =
// dns_ttl; the next request after that looks it up again. A flow starts at
// a moment uniform within its resolver's cycle, so between two consecutive
// requests gap apart the answer is renewed with probability q = min(1,
// gap/T), and a renewal draws afresh. The m dependent requests stay in the
// first one's datacenter i with probability Πⱼ (1 − q + q·wᵢ), so
//
//	P(fail) = 1 − Σᵢ wᵢ (1 − q + q·wᵢ)^(m−1)
//
// T = 0 gives q = 1 and the per-request model 1 − Σ wᵢᵐ; a flow much
// shorter than T gives ≈ (m−1)·q·(1 − Σ wᵢ²), almost nothing.
func ExpectedPaced(t topology.Topology, requests int, gap time.Duration) Model {
	m := Expected(t, requests)
	t = t.WithDefaults()
	if !m.Applies || m.M == 0 || t.Edge.Steering != "dns" || t.Edge.DNSTTL <= 0 {
		return m
	}
	return dnsSteered(t, m.M, requests, gap)
}

// dnsSteered is the DNS model for m dependent requests gap apart.
func dnsSteered(t topology.Topology, m, requests int, gap time.Duration) Model {
	ttl := t.Edge.DNSTTL
	q := math.Min(1, float64(gap)/float64(ttl))
	var total float64
	for _, dc := range t.Datacenters {
		total += dc.Weight
	}
	var success float64
	for _, dc := range t.Datacenters {
		w := dc.Weight / total
		success += w * math.Pow(1-q+q*w, float64(m-1))
	}
	return Model{
		Applies:     true,
		FailureRate: 1 - success,
		M:           m,
		Formula:     fmt.Sprintf("1 − Σ wᵢ(1 − q + q·wᵢ)%s, q = min(1, %s/%s)", superscript(m-1), gap, ttl),
		Why: fmt.Sprintf("DNS steering: every client of a resolver goes to its cached datacenter for dns_ttl %s; a flow crosses only when its resolver's answer expires between two of its %d dependent requests (%s apart), so failures are rare and cluster around expiries",
			ttl, m, gap),
	}
}
