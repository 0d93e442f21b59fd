package topology

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Problem is one thing wrong with a topology, at a path such as datacenters[1].weight.
type Problem struct {
	Path    string
	Message string
}

func (p Problem) String() string { return p.Path + ": " + p.Message }

// ValidationError lists every problem found at once.
type ValidationError struct {
	Source   string // file name, when loaded from a file
	Problems []Problem
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	prefix := "invalid topology"
	if e.Source != "" {
		prefix += " " + e.Source
	}
	return prefix + ": " + strings.Join(parts, "; ")
}

var dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)

// Reserved names are taken by the lab's own containers and networks.
var reserved = []string{"edge", "wan"}

// Validate reports every problem of t (after defaults) at once, or nil.
func (t Topology) Validate() error {
	var v validator
	if t.Name != "" && !dnsLabel.MatchString(t.Name) {
		v.add("name", "%q is not a DNS label (lower-case letters, digits and '-', at most 63)", t.Name)
	}
	v.tier("edge", t.Edge.Tier)
	v.edgeEngine(t.Edge.Engine)
	v.steering(t.Edge.EdgeSteering)
	if len(t.Datacenters) == 0 {
		v.add("datacenters", "at least one datacenter is required")
	}
	seen := map[string]int{}
	for i, dc := range t.Datacenters {
		p := fmt.Sprintf("datacenters[%d]", i)
		v.datacenter(p, dc)
		if j, dup := seen[dc.Name]; dup && dc.Name != "" {
			v.add(p+".name", "%q is already the name of datacenters[%d]", dc.Name, j)
		}
		seen[dc.Name] = i
	}
	v.secureCookies(t)
	v.redis(t)
	if n := t.Containers(); n > MaxContainers {
		v.add("datacenters", "%d containers in total (edge + load balancers + instances); at most %d", n, MaxContainers)
	}
	return v.err()
}

type validator struct{ problems []Problem }

func (v *validator) add(path, format string, args ...any) {
	v.problems = append(v.problems, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

func (v *validator) err() error {
	if len(v.problems) == 0 {
		return nil
	}
	return &ValidationError{Problems: v.problems}
}

func (v *validator) oneOf(path, value string, allowed []string) {
	if !slices.Contains(allowed, value) {
		v.add(path, "%q is not one of %s", value, strings.Join(allowed, ", "))
	}
}

// tier checks a tier with package policy's rules, each problem at its
// path below p.
func (v *validator) tier(p string, t Tier) {
	errs := append(t.Tier.Validate(t.Vendor), t.Vendor.Validate()...)
	for _, e := range errs {
		v.add(p+"."+e.Field, "%s", e.Msg)
	}
}

// secureCookies rejects a cookie forced Secure behind a plain-HTTP edge:
// browsers never send it back over HTTP, so persistence would never hold.
func (v *validator) secureCookies(t Topology) {
	if On(t.Edge.TLS, true) {
		return
	}
	const why = "secure: true with edge.tls: false: the client never sends a Secure cookie back over plain HTTP, so persistence would never hold"
	if s := t.Edge.Cookie.Secure; s != nil && *s {
		v.add("edge.cookie.secure", why)
	}
	for i, dc := range t.Datacenters {
		if s := dc.LB.Cookie.Secure; s != nil && *s {
			v.add(fmt.Sprintf("datacenters[%d].lb.cookie.secure", i), why)
		}
	}
}

func (v *validator) datacenter(p string, dc Datacenter) {
	switch {
	case !dnsLabel.MatchString(dc.Name):
		v.add(p+".name", "%q is not a DNS label (lower-case letters, digits and '-', at most 63)", dc.Name)
	case slices.Contains(reserved, dc.Name):
		v.add(p+".name", "%q is reserved for the lab's own containers", dc.Name)
	}
	if dc.Weight <= 0 {
		v.add(p+".weight", "must be > 0, got %g", dc.Weight)
	}
	if dc.Instances <= 0 {
		v.add(p+".instances", "must be at least 1, got %d", dc.Instances)
	}
	v.tier(p+".lb", dc.LB)
	v.engine(p+".lb", dc.LB)
	v.oneOf(p+".app.machine_key", dc.App.MachineKey, MachineKeys)
	v.oneOf(p+".app.sessions", dc.App.Sessions, SessionStores)
	if dc.App.SessionTimeout < 0 {
		v.add(p+".app.session_timeout", "%s must not be negative", dc.App.SessionTimeout)
	}
	if dc.App.MaxSessions < 0 {
		v.add(p+".app.max_sessions", "must not be negative, got %d", dc.App.MaxSessions)
	}
}
