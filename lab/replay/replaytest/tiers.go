package replaytest

import (
	"encoding/base64"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

func (e *Edge) setCookie(w http.ResponseWriter, r *http.Request, name, value string) {
	c := &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, Secure: r.TLS != nil}
	http.SetCookie(w, c)
}

func (e *Edge) decide(w http.ResponseWriter, header, value string) {
	if !e.cfg.NoDecision {
		w.Header().Add(header, value)
	}
}

// edge picks a datacenter: the pinned one when sticky and up, else weighted random.
func (e *Edge) edge(w http.ResponseWriter, r *http.Request) (string, bool) {
	var up []int
	for i, dc := range e.cfg.Datacenters {
		if !e.down[dc] {
			up = append(up, i)
		}
	}
	if len(up) == 0 {
		e.decide(w, "X-Stickylab-Edge", "dc=; reason=no-member")
		http.Error(w, "no datacenter available", http.StatusServiceUnavailable)
		return "", false
	}
	reason := "new"
	pinned := ""
	if e.cfg.EdgeSticky {
		if c, err := r.Cookie("cdn_dc"); err == nil {
			pinned = c.Value
		}
	}
	var dc string
	switch {
	case pinned != "" && slices.Contains(e.cfg.Datacenters, pinned) && !e.down[pinned]:
		dc, reason = pinned, "persisted"
	case len(up) == 1 && !e.cfg.EdgeSticky:
		dc, reason = e.cfg.Datacenters[up[0]], "passthrough"
	default:
		if pinned != "" && slices.Contains(e.cfg.Datacenters, pinned) {
			reason = "failover"
		}
		dc = e.cfg.Datacenters[e.weighted(up)]
	}
	if e.cfg.EdgeSticky && dc != pinned {
		e.setCookie(w, r, "cdn_dc", dc)
	}
	e.decide(w, "X-Stickylab-Edge", "dc="+dc+"; reason="+reason)
	return dc, true
}

func (e *Edge) weighted(up []int) int {
	var total float64
	for _, i := range up {
		total += e.cfg.Weights[i]
	}
	x := e.rng.Float64() * total
	for _, i := range up {
		x -= e.cfg.Weights[i]
		if x < 0 {
			return i
		}
	}
	return up[len(up)-1]
}

// lb keeps a user on one instance with an "encrypted" lbs cookie that only
// this datacenter's current key generation can read.
func (e *Edge) lb(w http.ResponseWriter, r *http.Request, dc string) string {
	prefix := dc + ":" + strconv.Itoa(e.keyGen[dc]) + ":"
	reason := "new"
	if c, err := r.Cookie("lbs"); err == nil {
		raw, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(c.Value, "!"))
		if inst, ok := strings.CutPrefix(string(raw), prefix); ok {
			e.decide(w, "X-Stickylab-LB", "lb="+dc+"; member="+inst+"; reason=persisted")
			return inst
		}
		reason = "undecodable"
	}
	e.rr[dc]++
	inst := dc + "-" + strconv.Itoa((e.rr[dc]-1)%e.cfg.Instances+1)
	e.setCookie(w, r, "lbs", "!"+base64.StdEncoding.EncodeToString([]byte(prefix+inst)))
	e.decide(w, "X-Stickylab-LB", "lb="+dc+"; member="+inst+"; reason="+reason)
	return inst
}
