package dashboard

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/stickylab/stickylab/lab/replay"
)

// runView is a failed run, hop by hop, as the page lists it.
type runView struct {
	Index       int       `json:"index"`
	Failure     string    `json:"failure"`
	FailedStep  string    `json:"failed_step"`
	Err         string    `json:"err,omitempty"`
	Datacenters []string  `json:"datacenters"`
	Hops        []hopView `json:"hops"`
}

type hopView struct {
	Step       string       `json:"step"`
	Method     string       `json:"method"`
	Path       string       `json:"path"`
	Status     int          `json:"status"`
	Datacenter string       `json:"datacenter"`
	Instance   string       `json:"instance"`
	EdgeReason string       `json:"edge_reason"`
	LBReason   string       `json:"lb_reason"`
	Failure    string       `json:"failure,omitempty"`
	Cookies    []cookieView `json:"cookies"` // set by the response
}

// cookieView is one Set-Cookie of a hop. Changed marks a cookie re-issued
// while the client held another value that the step was not expected to
// renew (replay.Hop.Reissued): the server could not use it (lbs, the
// anti-forgery cookie after a datacenter switch) and issued a new one.
type cookieView struct {
	Name    string `json:"name"`
	Value   string `json:"value"` // shortened
	Changed bool   `json:"changed"`
}

func viewRun(r replay.Run) runView {
	v := runView{Index: r.Index, Failure: r.Failure, FailedStep: r.FailedStep, Err: r.Err, Datacenters: r.Datacenters}
	for _, h := range r.Hops {
		v.Hops = append(v.Hops, viewHop(h))
	}
	return v
}

func viewHop(h replay.Hop) hopView {
	v := hopView{Step: h.Step, Method: h.Method, Path: pathOf(h.URL), Status: h.Status, Datacenter: h.Datacenter,
		Instance: h.Instance, EdgeReason: h.EdgeReason, LBReason: h.LBReason, Failure: h.Failure}
	for _, c := range (&http.Response{Header: h.ResponseHeader}).Cookies() {
		v.Cookies = append(v.Cookies, cookieView{Name: c.Name, Value: shorten(c.Value, 18),
			Changed: slices.Contains(h.Reissued, c.Name)})
	}
	return v
}

func pathOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.RequestURI()
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
