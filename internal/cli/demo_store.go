package cli

import (
	"context"
	"fmt"

	"github.com/stickylab/stickylab/lab/topology"
)

// Demo fixes shown in act 3.
const (
	fixEdge  = "edge"  // persistence at the edge, on the same lab
	fixStore = "store" // the architectural fix, on a second lab
)

// storeFix is the architectural fix of t: one machine key, sessions in one
// shared Redis store, and no persistence anywhere.
func storeFix(t topology.Topology) topology.Topology {
	t.Edge.Persistence = "none"
	for i := range t.Datacenters {
		t.Datacenters[i].App.MachineKey = "shared"
		t.Datacenters[i].App.Sessions = "redis"
		t.Datacenters[i].LB.Persistence = "none"
	}
	t.Redis = &topology.Redis{Layout: "shared"}
	t.Notices = nil
	return t.WithDefaults()
}

// act3Store brings up the architecturally fixed lab beside the demo's, plays
// act 3 on it and tears it down.
func (d *demo) act3Store(ctx context.Context) (err error) {
	t := storeFix(d.l.Topology())
	d.step("bring up the fix: a shared machine key and one Redis session store, no persistence anywhere")
	fixed, err := upLab(ctx, d.s, t, d.runtime)
	defer teardown(ctx, d.s, fixed, &err)
	if err != nil {
		return fmt.Errorf("act 3: %w", err)
	}
	incident := d.l
	d.l = fixed
	defer func() { d.l = incident }()
	a := act{Title: "Act 3 — the architectural fix: no login fails", Topology: t,
		Story: `The fix most ASP.NET operators make: every server shares the machine key and
keeps sessions out of process, in one Redis store. Any datacenter can serve
any request, so the edge may balance freely: no persistence anywhere.`}
	return d.play(ctx, a, false)
}
