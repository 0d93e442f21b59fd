// Package replaytest is an in-process stand-in for a stickylab topology: one
// http.Handler playing the edge, each datacenter's load balancer and the
// login app instances, emitting the header contract. Tests and benchmarks of
// the analysis packages use it instead of the real fakecdn/fakeapp.
package replaytest

import (
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
)

// Config shapes the fake topology; the zero value is the incident: two equal
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
	Seed            uint64
}

// Edge is the fake topology. It is safe for concurrent use.
type Edge struct {
	cfg      Config
	mu       sync.Mutex
	rng      *rand.Rand
	down     map[string]bool
	keyGen   map[string]int             // datacenter -> LB cookie key generation
	rr       map[string]int             // datacenter -> round-robin cursor
	sessions map[string]map[string]bool // instance -> session ids
	seq      int
}

// New returns the fake topology as a handler.
func New(cfg Config) *Edge {
	if len(cfg.Datacenters) == 0 {
		cfg.Datacenters = []string{"dc-east", "dc-west"}
	}
	if len(cfg.Weights) != len(cfg.Datacenters) {
		cfg.Weights = make([]float64, len(cfg.Datacenters))
		for i := range cfg.Weights {
			cfg.Weights[i] = 1
		}
	}
	if cfg.Instances <= 0 {
		cfg.Instances = 2
	}
	return &Edge{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, 42)), down: map[string]bool{},
		keyGen: map[string]int{}, rr: map[string]int{}, sessions: map[string]map[string]bool{}}
}

// NewServer starts New(cfg) on an HTTPS httptest server on 127.0.0.1; the
// caller closes it and trusts srv.Client()'s or srv.Certificate()'s CA.
func NewServer(cfg Config) (*httptest.Server, *Edge) {
	e := New(cfg)
	return httptest.NewTLSServer(e), e
}

// Stop takes a datacenter down at the edge; Start brings it back.
func (e *Edge) Stop(dc string)  { e.mu.Lock(); e.down[dc] = true; e.mu.Unlock() }
func (e *Edge) Start(dc string) { e.mu.Lock(); delete(e.down, dc); e.mu.Unlock() }

// Restart forgets an instance's in-memory sessions.
func (e *Edge) Restart(instance string) { e.mu.Lock(); delete(e.sessions, instance); e.mu.Unlock() }

// RotateKey changes a datacenter LB's cookie key: its old lbs cookies stop decoding.
func (e *Edge) RotateKey(dc string) { e.mu.Lock(); e.keyGen[dc]++; e.mu.Unlock() }

// ServeHTTP routes through edge → datacenter LB → instance.
func (e *Edge) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	dc, ok := e.edge(w, r)
	if !ok {
		return
	}
	inst := e.lb(w, r, dc)
	w.Header().Set("X-Served-By", dc+"/"+inst)
	e.app(w, r, dc, inst)
}
