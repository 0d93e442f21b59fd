package report

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/stickylab/stickylab/lab/diagnose"
	"github.com/stickylab/stickylab/lab/replay"
)

// diagrams draws one failed run (the finding's example) and one successful run.
func (m *md) diagrams(res *replay.Result, finding diagnose.Finding) {
	runs := exampleRuns(res, finding)
	if len(runs) == 0 {
		return
	}
	m.heading("Sequence diagrams")
	for _, run := range runs {
		verdict := "succeeded"
		if !run.OK {
			verdict = fmt.Sprintf("failed with %s at step %s", run.Failure, run.FailedStep)
		}
		m.f("Run %d %s (datacenters: %s).\n\n", run.Index, verdict, strings.Join(run.Datacenters, " → "))
		m.f("```mermaid\n%s```\n\n", Sequence(run))
	}
}

// Sequence returns a Mermaid sequence diagram of one run: client → edge →
// datacenter LB → instance, with the reasons on the arrows and notes for
// Set-Cookie changes and failures.
func Sequence(run replay.Run) string {
	var b strings.Builder
	b.WriteString("sequenceDiagram\n    autonumber\n    participant C as client\n    participant E as edge\n")
	declared := map[string]bool{}
	declare := func(id, label string) {
		if !declared[id] {
			declared[id] = true
			fmt.Fprintf(&b, "    participant %s as %s\n", id, label)
		}
	}
	// Declare in order of appearance so the columns read left to right.
	for _, h := range run.Hops {
		if h.Datacenter != "" {
			declare(ident("lb", h.Datacenter), h.Datacenter+" LB")
		}
		if h.Instance != "" {
			declare(ident("app", h.Instance), h.Instance)
		}
	}
	for _, h := range run.Hops {
		writeHop(&b, h)
	}
	return b.String()
}

func writeHop(b *strings.Builder, h replay.Hop) {
	fmt.Fprintf(b, "    C->>E: %s %s\n", h.Method, clean(pathOf(h.URL)))
	if h.Datacenter == "" {
		what := fmt.Sprintf("%d %s", h.Status, http.StatusText(h.Status))
		if h.Err != "" {
			what = "error: " + shorten(h.Err, 60)
		}
		fmt.Fprintf(b, "    E-->>C: %s\n", clean(what))
		return
	}
	lb, app := ident("lb", h.Datacenter), ident("app", h.Instance)
	fmt.Fprintf(b, "    E->>%s: %s\n", lb, reason("", h.EdgeReason))
	last := lb
	if h.Instance != "" {
		fmt.Fprintf(b, "    %s->>%s: %s\n", lb, app, reason("", h.LBReason))
		last = app
	}
	answer := fmt.Sprintf("%d", h.Status)
	if h.Location != "" {
		answer += " → " + pathOf(h.Location)
	}
	fmt.Fprintf(b, "    %s-->>C: %s\n", last, clean(answer))
	var notes []string
	for _, c := range (&http.Response{Header: h.ResponseHeader}).Cookies() {
		n := "Set-Cookie " + c.Name + "=" + shorten(c.Value, 10)
		for _, r := range h.Reissued {
			if r == c.Name {
				n += " (re-issued: new value)"
			}
		}
		notes = append(notes, n)
	}
	if h.Failure != "" {
		notes = append(notes, "X-Stickylab-Failure: "+h.Failure)
	}
	if len(notes) > 0 {
		fmt.Fprintf(b, "    Note over C,%s: %s\n", last, clean(strings.Join(notes, "<br/>")))
	}
}

func reason(prefix, r string) string {
	if r == "" {
		return "forward"
	}
	return prefix + "reason " + r
}

func pathOf(raw string) string {
	if i := strings.Index(raw, "://"); i >= 0 {
		if j := strings.IndexByte(raw[i+3:], '/'); j >= 0 {
			return raw[i+3+j:]
		}
		return "/"
	}
	return raw
}

// ident makes a Mermaid participant id from a name: letters, digits, _.
func ident(prefix, name string) string {
	var b strings.Builder
	b.WriteString(prefix + "_")
	for _, r := range name {
		if r < 128 && (r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// clean removes what Mermaid reads as syntax inside a message.
func clean(s string) string {
	return strings.NewReplacer(";", ",", "#", "", "\n", " ", "-->", "→", "->>", "→").Replace(s)
}
