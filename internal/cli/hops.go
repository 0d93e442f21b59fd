package cli

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/stickylab/stickylab/lab/replay"
)

// writeHops lists one run hop by hop: request → status, who served it, the
// edge's and LB's decisions, and the persistence cookies sent and set.
func writeHops(w io.Writer, p palette, run replay.Run, cookies []string) {
	what := run.Failure
	if run.FailedStep != "" {
		what += " at " + run.FailedStep
	}
	if len(run.Datacenters) > 1 {
		what += "; crossed " + strings.Join(run.Datacenters, " → ")
	}
	fmt.Fprintf(w, "%s  run #%d: %s\n", p.bold("One failed run, hop by hop"), run.Index, what)
	held := map[string]string{}
	for i, h := range run.Hops {
		status := fmt.Sprint(h.Status)
		if h.Status == 0 {
			status = "no answer"
		}
		if h.Failure != "" || h.Status >= 400 {
			status = p.red(status)
		}
		fmt.Fprintf(w, "  %d. %-4s %s → %s  X-Served-By: %s\n", i+1, h.Method, pathOf(h.URL), status, orDash(h.ResponseHeader.Get("X-Served-By")))
		if e := h.ResponseHeader.Get("X-Stickylab-Edge"); e != "" {
			fmt.Fprintf(w, "       edge: %s\n", e)
		}
		if lb := h.ResponseHeader.Get("X-Stickylab-LB"); lb != "" {
			fmt.Fprintf(w, "       lb:   %s\n", lb)
		}
		for _, c := range cookieChanges(h, cookies, held, p) {
			fmt.Fprintf(w, "       %s\n", c)
		}
		if h.Failure != "" {
			fmt.Fprintf(w, "       %s\n", p.red("X-Stickylab-Failure: "+h.Failure))
		}
	}
	if run.Err != "" {
		fmt.Fprintf(w, "  %s\n", p.dim(run.Err))
	}
}

// cookieChanges describes the persistence cookies a hop sent and set,
// marking a value that replaced the one the client held.
func cookieChanges(h replay.Hop, names []string, held map[string]string, p palette) []string {
	var out []string
	sent := map[string]string{}
	for _, c := range (&http.Request{Header: h.RequestHeader}).Cookies() {
		sent[c.Name] = c.Value
	}
	for _, name := range names {
		if v, ok := sent[name]; ok {
			out = append(out, fmt.Sprintf("Cookie: %s=%s", name, short(v)))
		}
	}
	for _, c := range (&http.Response{Header: h.ResponseHeader}).Cookies() {
		if !slices.Contains(names, c.Name) && !slices.Contains(h.Reissued, c.Name) {
			continue
		}
		line := fmt.Sprintf("Set-Cookie: %s=%s", c.Name, short(c.Value))
		if old, ok := held[c.Name]; ok && old != c.Value {
			line = p.yellow(line + "  ← changed: the client held " + short(old))
		}
		held[c.Name] = c.Value
		out = append(out, line)
	}
	return out
}

func short(v string) string {
	if r := []rune(v); len(r) > 18 {
		return string(r[:18]) + "…"
	}
	return v
}

func pathOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Path == "" {
		return raw
	}
	return u.RequestURI()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
