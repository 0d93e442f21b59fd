package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/stickylab/stickylab/fakecdn/policy"

	"github.com/stickylab/stickylab/lab/topology"
)

// writeDiagram draws the topology: client → edge → each datacenter's LB →
// its instances, then the details in one dim line. notes annotate a
// datacenter (e.g. "stopped").
func writeDiagram(w io.Writer, p palette, t topology.Topology, notes map[string]string) {
	head := fmt.Sprintf("client ──▶ edge [%s] ", persistText(t.Edge.Tier))
	pad := strings.Repeat(" ", len([]rune(head)))
	for i, dc := range t.Datacenters {
		branch := "──▶ "
		switch {
		case len(t.Datacenters) == 1:
		case i == 0:
			branch = "─┬─▶ "
		case i == len(t.Datacenters)-1:
			branch = " └─▶ "
		default:
			branch = " ├─▶ "
		}
		prefix := pad
		if i == 0 {
			prefix = p.bold(head)
		}
		line := fmt.Sprintf("%s LB [%s] ──▶ %s", p.cyan(dc.Name), persistText(dc.LB), strings.Join(dc.InstanceNames(), ", "))
		if dc.Weight != 1 {
			line += fmt.Sprintf("  (weight %g)", dc.Weight)
		}
		if n := notes[dc.Name]; n != "" {
			line += "  " + p.yellow("("+n+")")
		}
		fmt.Fprintln(w, prefix+branch+line)
	}
	fmt.Fprintln(w, p.dim(detailsText(t)))
}

// persistText says in a word or two how a load balancer keeps users in place.
func persistText(t topology.Tier) string {
	switch t.Persistence {
	case policy.PersistNone:
		return "no persistence"
	case policy.PersistCookie:
		return t.Cookie.Name + " cookie"
	}
	return string(t.Persistence) + " persistence"
}

// detailsText is the rest of the topology that matters to the failure.
func detailsText(t topology.Topology) string {
	edge := string(t.Edge.Selection) + " selection"
	if t.Edge.Persistence == policy.PersistCookie {
		edge += ", " + string(t.Edge.Cookie.Codec) + " cookie"
	}
	if topology.On(t.Edge.PassthroughSingle, false) {
		edge += ", passthrough when one datacenter is up"
	}
	parts := []string{"edge: " + edge}
	if len(t.Datacenters) > 0 {
		dc := t.Datacenters[0]
		lb := string(dc.LB.Selection)
		if dc.LB.Persistence == policy.PersistCookie {
			lb += ", " + string(dc.LB.Cookie.Codec) + " cookie"
		}
		key := "machine key per " + dc.App.MachineKey
		if dc.App.MachineKey == "shared" {
			key = "one machine key everywhere"
		}
		sessions := "sessions in " + dc.App.Sessions
		if dc.App.Sessions == "redis" && t.Redis != nil {
			sessions += " (" + t.Redis.Layout + ")"
		}
		parts = append(parts, "LBs: "+lb, key, sessions)
	}
	if !topology.On(t.Edge.TLS, true) {
		parts = append(parts, "plain HTTP")
	}
	return "  " + strings.Join(parts, "; ")
}
