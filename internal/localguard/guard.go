// Package localguard keeps the lab's local HTTP control surfaces (the
// fakecdn and fakeapp admin APIs, the control endpoint of `stickylab up`,
// a dashboard) out of reach of the web pages their user visits.
//
// Any page can send requests to 127.0.0.1, and a DNS-rebinding page can even
// read the answers. A Guard refuses, before the handler runs:
//
//   - 403 when Host is not a loopback address, localhost, or one of the
//     surface's own names (a container's network alias): a rebinding page's
//     requests carry its own name (evil.example) in Host;
//   - 403 when Origin is not the surface's own origin, or Sec-Fetch-Site
//     says the request comes from another site: a page elsewhere, even on
//     another local port, cannot drive the surface;
//   - 415 when a request that changes state (any method but GET, HEAD and
//     OPTIONS) is not Content-Type application/json, even with an empty
//     body: a browser sends such a request cross-site only after a CORS
//     preflight, which no surface answers, so no form or simple fetch
//     reaches a state change.
//
// Clients that are not browsers (curl, Go) send no Origin and no
// Sec-Fetch-Site and pass as long as they name a local Host and send JSON.
// The package imports only the standard library: fakeapp and fakecdn use it.
package localguard

import (
	"encoding/json"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
)

// Guard checks requests against a surface's local names. The zero Guard
// accepts loopback addresses and localhost only.
type Guard struct {
	names []string // lower case, besides loopback and localhost
}

// New returns a Guard that also accepts the given host names or IP
// addresses (without a port) in Host. Empty names are ignored, so
// New(strings.Split(flagValue, ",")...) takes a comma-separated flag.
func New(names ...string) (*Guard, error) {
	g := &Guard{}
	for _, n := range names {
		n = strings.ToLower(strings.TrimSpace(n))
		if n == "" {
			continue
		}
		if err := checkName(n); err != nil {
			return nil, err
		}
		if !slices.Contains(g.names, n) {
			g.names = append(g.names, n)
		}
	}
	return g, nil
}

// checkName accepts a DNS name (letters, digits, '-', '.') or an IP address.
func checkName(n string) error {
	if _, err := netip.ParseAddr(n); err == nil {
		return nil
	}
	for _, c := range n {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return fmt.Errorf("host %q: want a host name or an IP address, without scheme or port", n)
		}
	}
	return nil
}

// Names are the names accepted besides loopback and localhost.
func (g *Guard) Names() []string {
	if g == nil {
		return nil
	}
	return slices.Clone(g.names)
}

// Loopback guards next with the zero Guard: Host must be a loopback address
// or localhost. The endpoints `stickylab up` serves itself use it.
func Loopback(next http.Handler) http.Handler { return (&Guard{}).Handler(next) }

// Handler answers refused requests itself (JSON {"error": "..."}) and hands
// the others to next.
func (g *Guard) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := g.Check(r); err != nil {
			refuse(w, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Refusal is why a request was refused, with the status it is answered with.
type Refusal struct {
	Status int // 403 or 415
	Reason string
}

func (e *Refusal) Error() string { return e.Reason }

// Check returns nil for a request the surface may serve, else a *Refusal.
func (g *Guard) Check(r *http.Request) error {
	if err := g.checkHost(r.Host); err != nil {
		return err
	}
	if err := checkOrigin(r); err != nil {
		return err
	}
	return checkContentType(r)
}

func (g *Guard) checkHost(hostport string) error {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if host == "localhost" {
		return nil
	}
	if ip, err := netip.ParseAddr(host); err == nil && ip.Unmap().IsLoopback() {
		return nil
	}
	if g != nil && host != "" && slices.Contains(g.names, host) {
		return nil
	}
	allowed := append([]string{"loopback", "localhost"}, g.Names()...)
	return &Refusal{http.StatusForbidden, fmt.Sprintf(
		"Host %q is not a name of this local endpoint (accepted: %s)", hostport, strings.Join(allowed, ", "))}
}

// checkOrigin follows net/http's CrossOriginProtection, for every method:
// Sec-Fetch-Site when the browser sends it, else Origin against Host.
func checkOrigin(r *http.Request) error {
	switch site := r.Header.Get("Sec-Fetch-Site"); site {
	case "", "same-origin", "none":
	default:
		return &Refusal{http.StatusForbidden, fmt.Sprintf(
			"Sec-Fetch-Site: %s: requests from other sites are refused", site)}
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return nil
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if originOf(origin) != originOf(scheme+"://"+r.Host) {
		return &Refusal{http.StatusForbidden, fmt.Sprintf(
			"Origin %q is not this endpoint's origin %s://%s", origin, scheme, r.Host)}
	}
	return nil
}

// originOf normalises scheme://host[:port]: lower case, default port
// dropped; "" for anything else ("null", a path, garbage).
func originOf(s string) string {
	u, err := url.Parse(strings.ToLower(s))
	if err != nil || u.Host == "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return ""
	}
	host := u.Host
	if p := u.Port(); (u.Scheme == "http" && p == "80") || (u.Scheme == "https" && p == "443") {
		host = strings.TrimSuffix(host, ":"+p)
	}
	return u.Scheme + "://" + host
}

// checkContentType requires JSON on every request that may change state.
func checkContentType(r *http.Request) error {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return nil
	}
	ct := r.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err == nil && mt == "application/json" {
		return nil
	}
	return &Refusal{http.StatusUnsupportedMediaType, fmt.Sprintf(
		"%s with Content-Type %q: a request that changes state must send application/json, even with an empty body", r.Method, ct)}
}

func refuse(w http.ResponseWriter, err error) {
	status := http.StatusForbidden
	if rf, ok := err.(*Refusal); ok {
		status = rf.Status
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
}
