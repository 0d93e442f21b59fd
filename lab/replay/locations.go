package replay

import (
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// ResolverHeader names the DNS resolver ("location") a run's client uses;
// the edge keys DNS steering on it (fakecdn.DefaultResolverHeader).
const ResolverHeader = policy.HeaderResolver

// WithLocations spreads runs over n client locations, each behind its own
// DNS resolver: run i sends ResolverHeader "loc-<i mod n>" and, as its
// client address, True-Client-IP and X-Forwarded-For 198.51.100.<i mod n +
// 1> (a documentation range). Many users share one resolver, so with DNS
// steering they share its cached answer. Default: one location, no headers.
func WithLocations(n int) Option {
	return func(o *options) error {
		if n < 1 || n > 254 {
			return fmt.Errorf("WithLocations: must be between 1 and 254, got %d", n)
		}
		o.locations = n
		return nil
	}
}

// locate sets the location headers of run idx on req.
func (o *options) locate(req *http.Request, idx int) {
	if o.locations == 0 {
		return
	}
	loc := idx % o.locations
	req.Header.Set(ResolverHeader, fmt.Sprintf("loc-%d", loc))
	ip := fmt.Sprintf("198.51.100.%d", loc+1)
	req.Header.Set("True-Client-IP", ip)
	req.Header.Set("X-Forwarded-For", ip)
}

// bindLocation makes a run's own transport dial from its location's
// loopback address 127.0.0.<loc+1> when the edge is on loopback, so the
// edge sees distinct client addresses, as it would see users in several
// places. Through Docker's port publishing every client still looks like
// the engine's gateway: there only the headers carry the location.
func (o *options) bindLocation(tr *http.Transport, edge string, idx int) {
	if o.locations == 0 || !isLoopback(edge) {
		return
	}
	src := &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(idx%o.locations+1))}
	tr.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, LocalAddr: src}).DialContext
}

func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback() && ip.To4() != nil
}
