package dashboard

import (
	"context"
	"fmt"
	"time"

	"github.com/stickylab/stickylab/lab"
	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/stats"
)

// snapshot is what the page shows, pushed as one SSE message.
type snapshot struct {
	Run         string         `json:"run"`
	Runtime     string         `json:"runtime"`
	EdgeURL     string         `json:"edge_url"`
	Edge        lbView         `json:"edge"`
	Datacenters []dcView       `json:"datacenters"`
	Users       int            `json:"users"` // traffic generator; 0 = stopped
	Counts      countsView     `json:"counts"`
	Model       stats.Model    `json:"model"`
	Failed      []runView      `json:"failed"`
	Classes     map[string]int `json:"classes"`
	Chart       string         `json:"chart,omitempty"` // inline SVG; empty when unchanged since the last message
	Log         []string       `json:"log"`
	Faults      []string       `json:"faults"` // the datacenter buttons: faultActions
}

// lbView is a load balancer's current policy, read back from its admin API.
type lbView struct {
	Name         string `json:"name"`
	Persistence  string `json:"persistence"`
	Selection    string `json:"selection"`
	Cookie       string `json:"cookie"`
	Undecodable  string `json:"undecodable"`
	OnMemberDown string `json:"on_member_down"`
	Error        string `json:"error,omitempty"`
}

type dcView struct {
	Name      string     `json:"name"`
	Status    string     `json:"status"` // up | down | stopped | partitioned
	Delay     string     `json:"delay"`  // the latency toxic on its WAN link; "" for none
	Requests  int64      `json:"requests"`
	PerSecond float64    `json:"per_second"`
	LB        lbView     `json:"lb"`
	Instances []instView `json:"instances"`
}

type instView struct {
	Name      string  `json:"name"`
	Status    string  `json:"status"`
	Requests  int64   `json:"requests"`
	PerSecond float64 `json:"per_second"`
}

// countsView is the failure rate with its 95 % Wilson interval, overall and
// for the runs that started after the last change.
type countsView struct {
	Runs, Failures         int
	Rate, Low, High        float64
	SinceRuns, SinceFailed int
	SinceRate              float64
	SinceLow, SinceHigh    float64
	Since                  string // the last change, or "start"
}

// rates turns request counters into requests per second over at least
// rateWindow, so that a snapshot a control asked for right after a tick
// does not divide a handful of requests by a few milliseconds.
type rates struct {
	at   time.Time
	prev map[string]int64
	last map[string]float64
}

const rateWindow = 900 * time.Millisecond

func (r *rates) perSecond(now time.Time, counts map[string]int64) map[string]float64 {
	dt := now.Sub(r.at)
	if r.prev != nil && dt < rateWindow {
		return r.last
	}
	out := map[string]float64{}
	if r.prev != nil && dt < 10*rateWindow { // after a long pause (no page open) start afresh
		for k, v := range counts {
			if p, ok := r.prev[k]; ok && v >= p {
				out[k] = float64(v-p) / dt.Seconds()
			}
		}
	}
	r.at, r.prev, r.last = now, counts, out
	return out
}

// build reads the lab's load balancers and the tracker into a snapshot.
func (s *Server) build(ctx context.Context, v view, now time.Time) snapshot {
	l := s.lab
	snap := snapshot{Run: l.RunID(), Runtime: l.Runtime(), EdgeURL: l.EdgeURL(), Users: s.gen.Users(),
		Classes: v.Classes, Log: s.log.lines(), Faults: faultActions}
	counters := map[string]int64{}
	latency := latencies(ctx, l)
	edge, err := l.State(ctx, "edge")
	snap.Edge = policyOf("edge", edge, err)
	for _, dc := range l.Topology().Datacenters {
		d := dcView{Name: dc.Name, Status: "up"}
		if m, ok := edge.Member(dc.Name); ok {
			d.Requests = int64(m.Requests)
			d.Delay = latency[dc.Name]
			if !m.Usable() {
				d.Status = "down"
			}
		}
		if f := l.DatacenterFault(dc.Name); f != "" {
			d.Status = f
		}
		counters[dc.Name] = d.Requests
		var st lab.LBState
		if d.Status == "stopped" { // its LB does not answer: say why
			d.LB = lbView{Name: dc.Name, Error: "stopped"}
		} else {
			st, err = l.State(ctx, dc.Name)
			d.LB = policyOf(dc.Name, st, err)
		}
		for _, name := range dc.InstanceNames() {
			in := instView{Name: name, Status: "down"}
			if m, ok := st.Member(name); ok {
				in.Requests, in.Status = int64(m.Requests), "up"
				if !m.Usable() {
					in.Status = "down"
				}
			}
			counters[name] = in.Requests
			d.Instances = append(d.Instances, in)
		}
		snap.Datacenters = append(snap.Datacenters, d)
	}
	ps := s.rates.perSecond(now, counters)
	for i := range snap.Datacenters {
		d := &snap.Datacenters[i]
		d.PerSecond = ps[d.Name]
		for j := range d.Instances {
			d.Instances[j].PerSecond = ps[d.Instances[j].Name]
		}
	}
	snap.Counts = countsOf(v)
	if cur, err := l.Current(ctx); err == nil {
		snap.Model = stats.Expected(cur, replay.Login.Requests())
	} else {
		snap.Model = stats.Model{Why: "the running topology could not be read: " + err.Error()}
	}
	for i := len(v.Failed) - 1; i >= 0; i-- {
		snap.Failed = append(snap.Failed, viewRun(v.Failed[i]))
	}
	return snap
}

func policyOf(name string, st lab.LBState, err error) lbView {
	if err != nil {
		return lbView{Name: name, Error: err.Error()}
	}
	c := st.Config
	return lbView{Name: name, Persistence: string(c.Persistence), Selection: string(c.Selection),
		Cookie: fmt.Sprintf("%s (%s)", c.Cookie.Name, c.Cookie.Codec), Undecodable: string(c.Undecodable),
		OnMemberDown: string(c.OnMemberDown)}
}

func countsOf(v view) countsView {
	c := countsView{Runs: v.Total.Runs, Failures: v.Total.Failures, SinceRuns: v.Current.Runs,
		SinceFailed: v.Current.Failures, Since: "start"}
	c.Rate = ratio(c.Failures, c.Runs)
	c.Low, c.High = stats.Wilson(c.Failures, c.Runs, 0.95)
	c.SinceRate = ratio(c.SinceFailed, c.SinceRuns)
	c.SinceLow, c.SinceHigh = stats.Wilson(c.SinceFailed, c.SinceRuns, 0.95)
	if n := len(v.Marks); n > 0 {
		c.Since = v.Marks[n-1].Label
	}
	return c
}

func ratio(k, n int) float64 {
	if n == 0 {
		return 0
	}
	return float64(k) / float64(n)
}

// latencies are the latency toxics of the edge's WAN links, by datacenter,
// as the page's latency field takes them: "150ms" (jitter left out).
func latencies(ctx context.Context, l *lab.Lab) map[string]string {
	out := map[string]string{}
	links, _ := l.Links(ctx) // unreadable links show no latency; the LBs' state says the rest
	for _, link := range links {
		for _, t := range link.Toxics {
			if t.Type != "latency" {
				continue
			}
			out[link.Name] = (time.Duration(t.Attributes["latency"]) * time.Millisecond).String()
		}
	}
	return out
}
