package replaytest

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stickylab/stickylab/fakecdn"
	"github.com/stickylab/stickylab/fakecdn/policy"
)

// Config shapes the topology; the zero value is the incident: two equal
// datacenters of two instances, a random edge without persistence,
// per-datacenter machine keys, decision headers on.
type Config struct {
	Datacenters     []string  // default dc-east, dc-west
	Weights         []float64 // default equal
	Instances       int       // per datacenter, default 2
	EdgeSticky      bool      // edge persistence cookie cdn_dc
	SharedKey       bool      // one machine key everywhere
	NoDecision      bool      // no X-Stickylab-Edge / X-Stickylab-LB (a real LB)
	NoFailureHeader bool      // no X-Stickylab-Failure (a real app): body text only
	Seed            uint64    // the load balancers' choices; 0 is seed 1, as reproducible
}

func (c Config) withDefaults() Config {
	if len(c.Datacenters) == 0 {
		c.Datacenters = []string{"dc-east", "dc-west"}
	}
	if len(c.Weights) != len(c.Datacenters) {
		c.Weights = make([]float64, len(c.Datacenters))
		for i := range c.Weights {
			c.Weights[i] = 1
		}
	}
	if c.Instances <= 0 {
		c.Instances = 2
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	return c
}

// Topology is the edge of an in-process topology: an http.Handler that
// routes edge → datacenter LB → app instance, as the lab does.
type Topology struct {
	edge *fakecdn.LB
}

// New builds the topology; the datacenter LBs and the instances behind the
// edge are served on 127.0.0.1 until the test ends.
func New(t testing.TB, cfg Config) *Topology {
	t.Helper()
	cfg = cfg.withDefaults()
	var members []fakecdn.MemberConfig
	for i, dc := range cfg.Datacenters {
		members = append(members, fakecdn.MemberConfig{Name: dc, URL: serve(t, datacenter(t, cfg, dc)), Weight: cfg.Weights[i]})
	}
	persistence := policy.PersistNone
	if cfg.EdgeSticky {
		persistence = policy.PersistCookie
	}
	return &Topology{edge: loadBalancer(t, cfg, fakecdn.Config{Role: policy.RoleEdge, Name: "edge",
		Members: members, Tier: policy.Tier{Selection: policy.Random, Persistence: persistence}})}
}

// NewServer serves New(t, cfg) over HTTPS on 127.0.0.1 until the test
// ends; clients trust srv.Client()'s or srv.Certificate()'s CA.
func NewServer(t testing.TB, cfg Config) (*httptest.Server, *Topology) {
	t.Helper()
	tp := New(t, cfg)
	srv := httptest.NewTLSServer(tp)
	t.Cleanup(srv.Close)
	return srv, tp
}

// ServeHTTP hands the request to the edge.
func (tp *Topology) ServeHTTP(w http.ResponseWriter, r *http.Request) { tp.edge.ServeHTTP(w, r) }

// Stop takes a datacenter down at the edge, as an operator would; Start
// brings it back.
func (tp *Topology) Stop(t testing.TB, dc string)  { tp.setState(t, dc, fakecdn.StateDown) }
func (tp *Topology) Start(t testing.TB, dc string) { tp.setState(t, dc, fakecdn.StateUp) }

func (tp *Topology) setState(t testing.TB, dc, state string) {
	t.Helper()
	if err := tp.edge.SetMember(dc, fakecdn.MemberPatch{State: &state}); err != nil {
		t.Errorf("set %s %s at the edge: %v", dc, state, err)
	}
}
