// Package fakecdn is a persistence-aware HTTP load balancer. One type plays
// both tiers of the stickylab topology: a CDN edge whose members are
// datacenters (role=edge) and a datacenter load balancer whose members are app
// instances (role=dc). The role is configuration, not code.
//
// A request is decided in three small steps, each a type behind a tiny
// interface: persistence looks for a pin (a cookie decoded by a registered
// codec, or a source-IP table entry), a selector picks a usable member when
// nothing pins the request, and the result is forwarded by a
// net/http/httputil.ReverseProxy whose hooks add the decision headers.
package fakecdn
