// Package replaytest gives the analysis packages' tests a stickylab topology
// without Docker or a lab: the real fakecdn edge and datacenter load
// balancers and the real fakeapp instances, each on an httptest server
// (New, NewServer), and recorded-hop builders for fixtures that need no
// network at all (Hop, Run, Incident).
package replaytest
