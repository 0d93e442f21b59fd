package stats

import (
	"fmt"
	"math"
	"strings"

	"github.com/stickylab/stickylab/lab/topology"
)

// Model is the failure rate a topology should produce for a flow, or why the
// simple model does not apply to it.
type Model struct {
	Applies     bool    `json:"applies"`
	FailureRate float64 `json:"failure_rate"`
	// M is the number of requests that must land in one datacenter (0 when
	// the rate does not depend on it).
	M int `json:"m"`
	// Formula is how the rate was computed, e.g. "1 − Σ wᵢ³".
	Formula string `json:"formula,omitempty"`
	// Why says, in plain words, why the rate is what it is or why the model
	// does not apply.
	Why string `json:"why"`
}

// Expected returns the failure rate of a flow of `requests` requests through
// t (defaults applied). The model: the edge picks datacenter i with
// probability wᵢ independently per request, each datacenter keeps a user on
// one instance; the flow succeeds only if the m requests that depend on the
// same server-side state land in one datacenter, so the rate is 1 − Σ wᵢᵐ,
// with m = requests for per-datacenter (or per-instance, behind persistence)
// machine keys and m = requests − 1 when the key is shared (the first GET no
// longer binds the user). Edge persistence or a single datacenter gives 0.
// Sessions in Redis: a shared store with a shared key makes every
// datacenter able to serve every request (0); a store per datacenter is
// InProc across datacenters (sessions do not travel), so m = requests − 1
// with a shared key; a replicated store is ExpectedReplicated with no lag
// (0). Anything else returns Applies=false with Why.
func Expected(t topology.Topology, requests int) Model {
	t = t.WithDefaults()
	if requests <= 0 {
		return notApplies("the flow makes %d requests; it needs at least one", requests)
	}
	if len(t.Datacenters) == 0 {
		return notApplies("the topology has no datacenter")
	}
	for _, dc := range t.Datacenters {
		if why := insideDatacenter(dc); why != "" {
			return notApplies("%s", why)
		}
	}
	if replicated(t) {
		return replicatedModel(t, requests, Replication{}) // replicated.go
	}
	if t.Edge.Persistence != "none" {
		return Model{Applies: true, Formula: "0", Why: fmt.Sprintf("the edge keeps each user on one datacenter (persistence: %s)", t.Edge.Persistence)}
	}
	if len(t.Datacenters) == 1 {
		return Model{Applies: true, Formula: "0", Why: "one datacenter: the edge has nothing to balance"}
	}
	if t.Edge.Selection != "random" {
		return notApplies("the edge selects by %s without persistence; the model assumes an independent weighted random choice per request", t.Edge.Selection)
	}
	m, why := dependentRequests(t, requests)
	if why != "" {
		return notApplies("%s", why)
	}
	if m == 0 && requests > 1 {
		return Model{Applies: true, Formula: "0", Why: "machine key and sessions are shared by every datacenter: any datacenter can serve any request"}
	}
	if m == 0 {
		return Model{Applies: true, Formula: "0", Why: "with a shared machine key a one-request flow holds no state that another datacenter lacks"}
	}
	if t.Edge.Steering == "dns" && t.Edge.DNSTTL > 0 {
		return dnsSteered(t, m, requests, 0) // steering.go
	}
	var total float64
	for _, dc := range t.Datacenters {
		total += dc.Weight
	}
	var success float64
	for _, dc := range t.Datacenters {
		success += math.Pow(dc.Weight/total, float64(m))
	}
	return Model{
		Applies:     true,
		FailureRate: 1 - success,
		M:           m,
		Formula:     "1 − Σ wᵢ" + superscript(m),
		Why: fmt.Sprintf("the edge picks a datacenter at random for every request and %d of the flow's %d requests must land in the same one",
			m, requests),
	}
}

// insideDatacenter explains why a datacenter breaks the model's assumption
// that it keeps a user's state on one instance, or returns "".
func insideDatacenter(dc topology.Datacenter) string {
	if dc.Instances <= 1 || dc.LB.Persistence != "none" {
		return ""
	}
	// A Redis store, even one per datacenter, is shared by the instances.
	if dc.App.Sessions == "redis" && dc.App.MachineKey != "instance" {
		return ""
	}
	return fmt.Sprintf("%s has %d instances and no persistence at its load balancer, so users move between instances inside the datacenter; the model only covers failures across datacenters",
		dc.Name, dc.Instances)
}

// dependentRequests returns m, or why the datacenters' keys are too mixed to model.
func dependentRequests(t topology.Topology, requests int) (int, string) {
	shared, sharedSessions := 0, 0
	for _, dc := range t.Datacenters {
		if dc.App.MachineKey == "shared" {
			shared++
			if sessionsTravel(t, dc) {
				sharedSessions++
			}
		}
	}
	switch {
	case shared == 0:
		return requests, ""
	case shared < len(t.Datacenters):
		return 0, "some datacenters share the machine key and others do not; the model needs one key scope everywhere"
	case sharedSessions == len(t.Datacenters):
		return 0, "" // nothing depends on one datacenter
	case sharedSessions > 0:
		return 0, "some datacenters share the session store and others do not; the model needs one session store everywhere"
	}
	return requests - 1, ""
}

// sessionsTravel reports whether dc's sessions are seen by every other
// datacenter: they are in the one Redis store of the shared layout.
func sessionsTravel(t topology.Topology, dc topology.Datacenter) bool {
	return dc.App.Sessions == "redis" && t.Redis != nil && t.Redis.Layout == "shared"
}

func notApplies(format string, args ...any) Model {
	return Model{Why: fmt.Sprintf(format, args...)}
}

func superscript(n int) string {
	const digits = "⁰¹²³⁴⁵⁶⁷⁸⁹"
	r := []rune(digits)
	var b strings.Builder
	for _, c := range fmt.Sprint(n) {
		b.WriteRune(r[c-'0'])
	}
	return b.String()
}
