package fakecdn

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/netip"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// Member states set by the admin API (package policy).
const (
	StateUp       = policy.StateUp
	StateDown     = policy.StateDown
	StateDraining = policy.StateDraining
)

// member is one backend. Its identity (name, URL) is fixed; everything the
// admin API or the health checker changes is atomic so the hot path takes no lock.
type member struct {
	name string
	url  *url.URL

	weight   atomic.Uint64 // math.Float64bits
	state    atomic.Value  // string
	healthy  atomic.Bool
	delay    atomic.Int64 // nanoseconds
	requests atomic.Uint64
	// drainingSince is when the member entered draining (member_drain.go).
	drainingSince atomic.Int64

	mu       sync.Mutex // guards the health counters and the resolved address
	fails    int
	passes   int
	resolved netip.AddrPort
}

func newMember(c MemberConfig) (*member, error) {
	u, err := url.Parse(c.URL)
	if err != nil {
		return nil, fmt.Errorf("member %s: url %q: %w", c.Name, c.URL, err)
	}
	m := &member{name: c.Name, url: u}
	m.setWeight(c.Weight)
	m.state.Store(StateUp)
	m.healthy.Store(true) // optimistic: serve at once unless a check fails
	return m, nil
}

func (m *member) Name() string             { return m.name }
func (m *member) getWeight() float64       { return math.Float64frombits(m.weight.Load()) }
func (m *member) setWeight(w float64)      { m.weight.Store(math.Float64bits(w)) }
func (m *member) getState() string         { return m.state.Load().(string) }
func (m *member) getDelay() time.Duration  { return time.Duration(m.delay.Load()) }
func (m *member) usable() bool             { return m.getState() == StateUp && m.healthy.Load() }
func (m *member) keepsPinned() bool        { return m.getState() != StateDown && m.healthy.Load() }
func (m *member) setDelay(d time.Duration) { m.delay.Store(int64(d)) }

// HostPort is the member's host:port as written in its URL, with the
// scheme's default port when the URL has none.
func (m *member) HostPort() string {
	if m.url.Port() != "" {
		return m.url.Host
	}
	port := "80"
	if m.url.Scheme == "https" {
		port = "443"
	}
	return net.JoinHostPort(m.url.Hostname(), port)
}

// AddrPort is the member's IPv4 address and port, resolving the URL's host
// name once it resolves (f5-plain and envoy cookies carry addresses).
func (m *member) AddrPort() (netip.AddrPort, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.resolved.IsValid() {
		return m.resolved, nil
	}
	host, portStr, _ := net.SplitHostPort(m.HostPort())
	port, err := parsePort(portStr)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("member %s: port %q: %w", m.name, portStr, err)
	}
	ip, err := resolveIPv4(host)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("member %s: %w", m.name, err)
	}
	m.resolved = netip.AddrPortFrom(ip, port)
	return m.resolved, nil
}

func parsePort(s string) (uint16, error) {
	var p uint16
	_, err := fmt.Sscanf(s, "%d", &p)
	return p, err
}

func resolveIPv4(host string) (netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		if !ip.Unmap().Is4() {
			return netip.Addr{}, fmt.Errorf("address %s is not IPv4", host)
		}
		return ip.Unmap(), nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip4", host)
	if err != nil || len(ips) == 0 {
		return netip.Addr{}, fmt.Errorf("resolve %q to IPv4: %v", host, err)
	}
	return ips[0].Unmap(), nil
}

// observe records one health result, active or passive, and flips the
// member's health after rise successes or fall failures in a row.
// It reports whether the health changed.
func (m *member) observe(ok bool, rise, fall int) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if ok {
		m.fails = 0
		m.passes++
		if !m.healthy.Load() && m.passes >= rise {
			m.healthy.Store(true)
			return true
		}
		return false
	}
	m.passes = 0
	m.fails++
	if m.healthy.Load() && m.fails >= fall {
		m.healthy.Store(false)
		return true
	}
	return false
}

// markDown records a definitive failure (the member refused or could not be
// reached): it is unhealthy at once, whatever fall says, until rise passes.
// It reports whether the health changed.
func (m *member) markDown() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.passes = 0
	m.fails++
	return m.healthy.Swap(false)
}
