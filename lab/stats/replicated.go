package stats

import (
	"fmt"
	"math"
	"time"

	"github.com/stickylab/stickylab/fakecdn/policy"
	"github.com/stickylab/stickylab/lab/topology"
)

// Replication is what the model of redis.layout replicated needs beyond
// the topology.
type Replication struct {
	// Lag is the one-way latency Lⱼ of each replica datacenter's
	// replication link (absent: none, replication within a LAN, far
	// faster than any request).
	Lag map[string]time.Duration
	// Gaps are measured gaps g, one per run, between the request that
	// wrote the session and the next request. Without them a
	// positive lag counts as never waited out: the next request follows
	// at once.
	Gaps []time.Duration
}

// ExpectedReplicated is Expected for sessions in a replicated Redis
// (redis.layout replicated, primary p) with the replication lags and the
// gaps r gives.
//
// The model (docs/analysis.md, "Replicated sessions"): every write goes
// to the primary, every read to the store of the datacenter the request
// lands in. A read in p always finds the session; a read in replica j
// finds it only when the session has replicated, that is when the gap g
// since the write is at least the lag Lⱼ. The flow's R = requests − 2
// reads (after GET /login and the sign-in POST that writes) each land in
// datacenter i with probability wᵢ, so
//
//	P(fail) = 1 − Πᵣ (wₚ + Σⱼ≠ₚ wⱼ·P(gᵣ ≥ Lⱼ))
//
// which for one read (login) is Σⱼ≠ₚ wⱼ·P(g < Lⱼ). With persistence at
// the edge (or DNS steering) every read lands in the first request's
// datacenter, and only the first read can be early: Σⱼ≠ₚ wⱼ·P(g₁ < Lⱼ).
// P(g < L) is the share of r.Gaps below L; each later read is given the
// first one's gaps, which overstates its risk (it comes later still).
func ExpectedReplicated(t topology.Topology, requests int, r Replication) Model {
	m := Expected(t, requests)
	t = t.WithDefaults()
	if !m.Applies || !replicated(t) {
		return m
	}
	return replicatedModel(t, requests, r)
}

func replicated(t topology.Topology) bool {
	return t.UsesRedis() && t.Redis != nil && t.Redis.Layout == "replicated"
}

// replicatedModel assumes the checks of Expected passed.
func replicatedModel(t topology.Topology, requests int, r Replication) Model {
	for _, dc := range t.Datacenters {
		if dc.App.MachineKey != "shared" || dc.App.Sessions != "redis" {
			return notApplies("%s does not share the machine key and keep its sessions in the replicated store; the replicated model needs both everywhere", dc.Name)
		}
	}
	if t.Edge.Persistence == "none" && t.Edge.Steering != "dns" && t.Edge.Selection != policy.Random && len(t.Datacenters) > 1 {
		return notApplies("the edge selects by %s without persistence; the model assumes an independent weighted random choice per request", t.Edge.Selection)
	}
	reads := max(requests-2, 0)
	var total float64
	for _, dc := range t.Datacenters {
		total += dc.Weight
	}
	var early float64 // Σⱼ≠ₚ wⱼ·P(g < Lⱼ)
	for _, dc := range t.Datacenters {
		if dc.Name != t.Redis.Primary {
			early += dc.Weight / total * shareBelow(r.Gaps, r.Lag[dc.Name])
		}
	}
	pinned := t.Edge.Persistence != "none" || t.Edge.Steering == "dns"
	rate, formula := 1-math.Pow(1-early, float64(reads)), "1 − (wₚ + Σⱼ≠ₚ wⱼ·P(g ≥ Lⱼ))"+superscript(reads)
	if reads == 1 || pinned {
		rate, formula = early, "Σⱼ≠ₚ wⱼ·P(g < Lⱼ)"
	}
	if reads == 0 {
		rate, formula = 0, "0"
	}
	return Model{
		Applies:     true,
		FailureRate: rate,
		M:           reads,
		Formula:     formula,
		Why: fmt.Sprintf("sessions are written to the primary in %s and read from the datacenter's own store; a read in a replica fails when it comes sooner after the write than that replica's replication lag (%s)",
			t.Redis.Primary, lags(t, r.Lag)),
	}
}

// shareBelow is the share of gaps shorter than lag: P(g < L). Without
// gaps, any positive lag is longer than a next request that follows at once.
func shareBelow(gaps []time.Duration, lag time.Duration) float64 {
	if lag <= 0 {
		return 0
	}
	if len(gaps) == 0 {
		return 1
	}
	n := 0
	for _, g := range gaps {
		if g < lag {
			n++
		}
	}
	return float64(n) / float64(len(gaps))
}

func lags(t topology.Topology, lag map[string]time.Duration) string {
	out := ""
	for _, dc := range t.Datacenters {
		if dc.Name == t.Redis.Primary {
			continue
		}
		if out != "" {
			out += ", "
		}
		out += fmt.Sprintf("%s %s", dc.Name, lag[dc.Name])
	}
	return out
}
