package fakecdn

import (
	"net/http"
	"sync"
	"time"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// DefaultResolverHeader names the client's DNS resolver ("location") when
// steering is dns and resolver_header is not set.
const DefaultResolverHeader = policy.HeaderResolver

// dnsSteering is GTM-style steering: the datacenter is chosen when a
// client's resolver looks the name up, and the resolver keeps that answer
// for dns_ttl. Every client behind one resolver (named by resolver_header,
// else the peer address) therefore goes to one datacenter until the
// answer expires; the next lookup after that chooses again with the inner
// policy. dns_ttl 0 is a lookup per request: per-request steering.
type dnsSteering struct {
	inner  selector
	cache  *resolverCache
	header string
	ttl    time.Duration
}

// steer wraps sel in DNS steering when cfg asks for it.
func (lb *LB) steer(cfg Config, sel selector) selector {
	if cfg.Steering != policy.SteeringDNS {
		return sel
	}
	h := cfg.ResolverHeader
	if h == "" {
		h = DefaultResolverHeader
	}
	return &dnsSteering{inner: sel, cache: lb.dns, header: h, ttl: cfg.DNSTTL.Std()}
}

func (d *dnsSteering) Select(candidates []*member, r *http.Request) *member {
	key := clientKey(r, d.header)
	now := time.Now()
	if name, ok := d.cache.get(key, now); ok {
		for _, m := range candidates {
			if m.name == name {
				return m
			}
		}
		// the cached datacenter is down: a GTM answers only healthy ones
	}
	m := d.inner.Select(candidates, r)
	if m != nil {
		d.cache.put(key, m.name, now.Add(d.ttl))
	}
	return m
}

// resolverCache is each resolver's cached answer with its expiry. Unlike
// the stick table it does not slide: a DNS answer expires TTL after the
// lookup whatever the traffic. It belongs to the LB, so a policy change
// keeps it.
type resolverCache struct {
	mu      sync.Mutex
	answers map[string]dnsAnswer
}

type dnsAnswer struct {
	member  string
	expires time.Time
}

func newResolverCache() *resolverCache { return &resolverCache{answers: map[string]dnsAnswer{}} }

func (c *resolverCache) get(key string, now time.Time) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.answers[key]
	if !ok || !now.Before(a.expires) {
		return "", false
	}
	return a.member, true
}

// clear forgets every answer, as a restarted balancer has none.
func (c *resolverCache) clear() {
	c.mu.Lock()
	clear(c.answers)
	c.mu.Unlock()
}

func (c *resolverCache) put(key, member string, expires time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.answers[key] = dnsAnswer{member: member, expires: expires}
}
