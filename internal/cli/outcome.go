package cli

import (
	"fmt"
	"io"
	"slices"

	"github.com/stickylab/stickylab/lab/diagnose"
	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/report"
	"github.com/stickylab/stickylab/lab/stats"
	"github.com/stickylab/stickylab/lab/topology"
)

// outcome is one replay, what the lab concludes from it, and the
// persistence cookies to follow in the hop listing.
type outcome struct {
	diagnose.Analysis
	Cookies []string
}

// newOutcome analyses res, against t's model when the topology is known
// (nil for replay --url).
func newOutcome(res *replay.Result, t *topology.Topology) outcome {
	if t == nil {
		return outcome{Analysis: diagnose.Analyse(res, nil), Cookies: []string{"lbs", "cdn_dc"}}
	}
	m := stats.Expected(*t, res.Requests)
	return outcome{Analysis: diagnose.Analyse(res, &m), Cookies: lbCookies(*t)}
}

// writeOutcome prints the result table, the model, the diagnosis and the
// hops of one failed run.
func writeOutcome(w io.Writer, p palette, o outcome) {
	writeTable(w, p, o)
	fmt.Fprintln(w)
	writeDiagnosis(w, p, o.Finding)
	if run, ok := diagnose.ExampleFailure(o.Result, o.Finding); ok {
		fmt.Fprintln(w)
		writeHops(w, p, run, o.Cookies)
	}
}

// writeJSON prints the --json object (lab/report's), and nothing else.
func writeJSON(w io.Writer, o outcome) error {
	return report.WriteJSON(w, o.Result, o.Finding, o.Model)
}

// lbCookies are the persistence cookies of t's load balancers.
func lbCookies(t topology.Topology) []string {
	names := []string{t.Edge.Cookie.Name}
	for _, dc := range t.Datacenters {
		if !slices.Contains(names, dc.LB.Cookie.Name) {
			names = append(names, dc.LB.Cookie.Name)
		}
	}
	return names
}
