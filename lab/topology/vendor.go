package topology

import (
	"time"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// Vendor is a tier's vendor behaviour (package policy). Inlined in Tier.
type Vendor = policy.Vendor

// EdgeSteering is how the edge chooses a datacenter. Inlined in Edge.
type EdgeSteering struct {
	// Steering: per-request (default) | dns (GTM-style: a client's resolver
	// keeps its answer for DNSTTL; see docs/analysis.md).
	Steering string        `yaml:"steering,omitempty" json:"steering,omitempty"`
	DNSTTL   time.Duration `yaml:"dns_ttl,omitempty" json:"dns_ttl,omitempty"`
	// TrustClientIP keeps a True-Client-IP the client sent instead of
	// setting it from the peer address (Akamai's "allow clients to set True
	// Client IP header"): users behind another proxy, or replay locations
	// whose addresses a Docker port mapping hides, keep their own address.
	TrustClientIP bool `yaml:"trust_client_ip,omitempty" json:"trust_client_ip,omitempty"`
}

func (v *validator) steering(s EdgeSteering) {
	if s.Steering != "" {
		v.oneOf("edge.steering", s.Steering, policy.Steerings)
	}
	if s.DNSTTL < 0 {
		v.add("edge.dns_ttl", "%s must not be negative", s.DNSTTL)
	}
	if s.DNSTTL > 0 && s.Steering != "dns" {
		v.add("edge.dns_ttl", "only applies with steering: dns")
	}
}
