package diagnose

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/stickylab/stickylab/fakecdn/policy"
	"github.com/stickylab/stickylab/lab/replay"
)

// evidence is what the failed runs have in common.
type evidence struct {
	res       *replay.Result
	failed    int
	byKind    map[Kind][]int // kind -> indexes into res.Runs
	crossings map[string]int
	reissued  map[string]int
	gone      map[string]bool // datacenters that stopped serving
	downFrom  map[string]int  // failover: datacenter left -> runs
	instances map[string]int  // instance-restart: instance -> runs
	lbs       map[string]int  // key-rotation: datacenter -> runs
	lagged    map[string]int  // replication-lag: replica datacenter -> runs
	lagGaps   []time.Duration // replication-lag: from the write's answer to the read
}

// priority breaks ties between kinds that explain as many runs.
var priority = []Kind{Failover, KeyRotation, InstanceRestart, ReplicationLag, CrossDatacenter, SessionLost, Other}

func examine(res *replay.Result) *evidence {
	e := &evidence{res: res, byKind: map[Kind][]int{}, crossings: map[string]int{}, reissued: map[string]int{},
		downFrom: map[string]int{}, instances: map[string]int{}, lbs: map[string]int{}, lagged: map[string]int{}}
	e.gone = goneDatacenters(res.Runs)
	for i := range res.Runs {
		run := &res.Runs[i]
		if run.OK {
			continue
		}
		e.failed++
		k := e.classify(run)
		e.byKind[k] = append(e.byKind[k], i)
	}
	// With per-datacenter keys a crossing breaks the token or the session,
	// whichever request lands first: one cause, counted once.
	if len(e.byKind[CrossDatacenter]) > 0 {
		e.byKind[CrossDatacenter] = append(e.byKind[CrossDatacenter], e.byKind[SessionLost]...)
		slices.Sort(e.byKind[CrossDatacenter])
		delete(e.byKind, SessionLost)
	}
	return e
}

// goneDatacenters finds datacenters that stopped serving while others kept
// serving: the edge stopped sending there.
//
// A silence at the end is evidence only when chance cannot explain it, and
// a fixed count of quiet runs cannot tell: with weights 1:3 a login run
// misses the light datacenter with probability 0.75³ ≈ 0.42, so three quiet
// runs in a row end 7 % of short replays. The test: every run starts as a
// new user, so its first request goes to a datacenter with that
// datacenter's weight w at the edge, whatever persistence does later; a run
// therefore reaches it with probability at least w, and g runs in a row
// miss it with probability at most (1 − w)^g. w is estimated by the
// datacenter's share of all requests, which understates w when it really
// went away (so the test leans towards "still there"). It is called gone
// when the runs after its last one, all served elsewhere, make that chance
// smaller than goneAlpha: with w = 1/4 that takes 25 runs, so `run -n 20`
// with weights 1:3 can never call it gone by chance.
func goneDatacenters(runs []replay.Run) map[string]bool {
	served := map[string]int{} // datacenter -> requests served
	last := map[string]int{}   // datacenter -> index of the last run it served
	total := 0
	for i, run := range runs {
		for _, h := range run.Hops {
			if h.Datacenter != "" {
				served[h.Datacenter]++
				last[h.Datacenter] = i
				total++
			}
		}
	}
	gone := map[string]bool{}
	if len(served) < 2 {
		return gone
	}
	for dc, n := range served {
		quiet := 0 // later runs that some other datacenter served
		for _, run := range runs[last[dc]+1:] {
			if len(run.Datacenters) > 0 {
				quiet++
			}
		}
		share := float64(n) / float64(total)
		if float64(quiet)*math.Log1p(-share) < math.Log(goneAlpha) {
			gone[dc] = true
		}
	}
	return gone
}

// goneAlpha bounds how often a datacenter that kept its weight is called
// gone, per datacenter and replay.
const goneAlpha = 1e-3

func (e *evidence) classify(run *replay.Run) Kind {
	if run.Crossed {
		e.crossing(run)
	}
	for j, h := range run.Hops {
		if h.EdgeReason == policy.ReasonFailover || h.EdgeReason == policy.ReasonTemporary {
			if j > 0 && run.Hops[j-1].Datacenter != "" {
				e.downFrom[run.Hops[j-1].Datacenter]++
			}
			return Failover
		}
	}
	if run.Crossed {
		for _, dc := range run.Datacenters[:len(run.Datacenters)-1] {
			if e.gone[dc] {
				e.downFrom[dc]++
				return Failover
			}
		}
	}
	if dc, ok := e.refusedAfterLoss(run); ok {
		e.downFrom[dc]++
		return Failover
	}
	if dc, gap, ok := readBeforeReplicated(run); ok {
		e.lagged[dc]++
		e.lagGaps = append(e.lagGaps, gap)
		return ReplicationLag
	}
	if !run.Crossed {
		if dc, ok := lbForgotCookie(run); ok {
			e.lbs[dc]++
			return KeyRotation
		}
		if inst, ok := oneInstance(run); ok && run.Failure == replay.SessionMissing {
			e.instances[inst]++
			return InstanceRestart
		}
		return Other
	}
	switch run.Failure {
	case replay.AntiforgeryUndecryptable, replay.AntiforgeryMismatch, replay.AntiforgeryMissingCookie:
		return CrossDatacenter
	case replay.SessionMissing:
		return SessionLost
	}
	return Other
}

// readBeforeReplicated recognises a session lost on a replica right after
// it was written: the hop that found no session (session-missing) was
// answered by an app reading a replica (X-Stickylab-Store: replica), and
// the hop before it wrote the session (the sign-in's redirect). It returns
// the replica's datacenter and the time from the write's answer to the read.
func readBeforeReplicated(run *replay.Run) (string, time.Duration, bool) {
	if run.Failure != replay.SessionMissing {
		return "", 0, false
	}
	for i := 1; i < len(run.Hops); i++ {
		h, prev := run.Hops[i], run.Hops[i-1]
		if h.Failure != replay.SessionMissing {
			continue
		}
		wrote := prev.Method == "POST" && prev.Status == 302 && prev.Failure == ""
		if !wrote || h.ResponseHeader.Get(replay.HeaderStore) != "replica" {
			return "", 0, false
		}
		return h.Datacenter, h.Start.Sub(prev.Start.Add(prev.Wait)), true
	}
	return "", 0, false
}

// crossing records the first datacenter change of a run and the cookies
// re-issued on that hop.
func (e *evidence) crossing(run *replay.Run) {
	prev := ""
	for _, h := range run.Hops {
		if h.Datacenter == "" {
			continue
		}
		if prev != "" && h.Datacenter != prev {
			e.crossings[prev+" → "+h.Datacenter]++
			for _, c := range h.Reissued {
				e.reissued[c]++
			}
			return
		}
		prev = h.Datacenter
	}
}

// lbForgotCookie: the datacenter LB said undecodable, or (without decision
// headers) a cookie other than the anti-forgery one was re-issued while the
// instance changed inside one datacenter.
func lbForgotCookie(run *replay.Run) (string, bool) {
	for _, h := range run.Hops {
		if h.LBReason == policy.ReasonUndecodable {
			return h.Datacenter, true
		}
	}
	if _, same := oneInstance(run); same {
		return "", false
	}
	for _, h := range run.Hops {
		if h.LBReason != "" {
			return "", false // decision headers present and none said undecodable
		}
		for _, c := range h.Reissued {
			if !strings.HasPrefix(c, replay.AntiForgeryField) {
				return h.Datacenter, true
			}
		}
	}
	return "", false
}

func oneInstance(run *replay.Run) (string, bool) {
	inst := ""
	for _, h := range run.Hops {
		switch {
		case h.Instance == "":
		case inst == "":
			inst = h.Instance
		case inst != h.Instance:
			return "", false
		}
	}
	return inst, inst != ""
}

// indexes turns byKind into run Indexes.
func (e *evidence) indexes() map[Kind][]int {
	out := make(map[Kind][]int, len(e.byKind))
	for k, idx := range e.byKind {
		for _, i := range idx {
			out[k] = append(out[k], e.res.Runs[i].Index)
		}
	}
	return out
}

func (e *evidence) verdict() (Kind, int, int) {
	best, n := Other, 0
	for _, k := range priority {
		if c := len(e.byKind[k]); c > n {
			best, n = k, c
		}
	}
	example := -1
	if idx := e.byKind[best]; len(idx) > 0 {
		example = e.res.Runs[idx[0]].Index
	}
	return best, n, example
}

func (e *evidence) text(f Finding, flow string) string {
	s := f.Summary
	head := fmt.Sprintf("%d of %d %s runs failed (%s, %s CI %s).", s.Failures, s.Runs, flow, Pct(s.FailureRate), Level(f.Confidence), CI(f.CILow, f.CIHigh))
	body := ""
	switch f.Kind {
	case CrossDatacenter:
		body = e.crossedSentence(f) + " The edge does not keep users on one datacenter: enable persistence at the edge, or share the machine key (app.machine_key: shared) and keep sessions in one shared Redis store (app.sessions: redis)."
	case SessionLost:
		body = e.crossedSentence(f) + " " + e.sessionSentence(f) + ": the anti-forgery token now decrypts everywhere, but sessions live in one server's memory or one datacenter's store and do not travel. Enable persistence at the edge, or keep sessions in one shared Redis store (app.sessions: redis with redis.layout: shared)."
	case Failover:
		body = fmt.Sprintf("%s lost their login mid-flow because %s stopped serving (edge reason failover or temporary, a 502/503 from the edge itself, or no request served there afterwards): moved to another datacenter, which cannot read their anti-forgery token or session, or refused by the edge. Expected while a datacenter is down; to make it invisible to users, share the machine key and session store across datacenters.",
			e.ofFailed(f.Explained), names(e.downFrom))
	case ReplicationLag:
		body = fmt.Sprintf("%s lost their session (session-missing) in a datacenter that reads a replica of the session store (%s), a median %s after the answer to the sign-in that wrote it to the primary: the session had not replicated yet. Replication is asynchronous and the replica lags the primary by its WAN link's latency: read sessions from the primary, make the sign-in wait for the replica (Redis WAIT), or keep users in the primary's datacenter until their session has replicated.",
			e.ofFailed(f.Explained), CountList(e.lagged, ": "), median(e.lagGaps))
	case InstanceRestart:
		body = fmt.Sprintf("%s lost their session (session-missing) on the instance that created it, without changing datacenter (%s): the instance forgot its in-memory sessions — a restart or a flush. Keep sessions in Redis (app.sessions: redis), or drain instances before restarting them.",
			e.ofFailed(f.Explained), CountList(e.instances, ": "))
	case KeyRotation:
		body = fmt.Sprintf("%s stayed in one datacenter, but its load balancer could no longer decode their persistence cookie (reason undecodable; %s), re-issued it and moved them to another instance that does not hold their session: the load balancer's cookie key changed. Rotate persistence keys with an overlap window that still accepts the old key.",
			e.ofFailed(f.Explained), CountList(e.lbs, ": "))
	default:
		body = "No single cause explains them."
		if idx := e.byKind[Other]; len(idx) > 0 {
			run := e.res.Runs[idx[0]]
			body += fmt.Sprintf(" First unexplained failure: run %d at step %s: %s.", run.Index, run.FailedStep, strings.TrimSuffix(run.Err, "."))
		}
	}
	out := head + " " + body + " Failure classes: " + classes(s.Causes) + "."
	if rest := e.failed - f.Explained; rest > 0 && f.Kind != Other {
		out += fmt.Sprintf(" %d other failed runs do not fit this finding.", rest)
	}
	return out
}

// crossedSentence: "Every failed run crossed datacenters mid-flow (dc-east →
// dc-west) and received a new `lbs` cookie at the crossing; none of the 100
// successful runs crossed." It says "every" only of a count that is all of
// its runs, and gives the counts otherwise.
func (e *evidence) crossedSentence(f Finding) string {
	s := f.Summary
	who := "Every failed run"
	if s.CrossedFailed != s.Failures {
		who = fmt.Sprintf("%d of the %d failed runs", s.CrossedFailed, s.Failures)
	}
	dirs := CountList(e.crossings, " in ")
	if len(e.crossings) == 1 {
		for d := range e.crossings {
			dirs = d
		}
	}
	out := fmt.Sprintf("%s crossed datacenters mid-flow (%s)", who, dirs)
	var all, some []string
	for _, c := range slices.Sorted(maps.Keys(e.reissued)) {
		switch n := e.reissued[c]; {
		case n == s.CrossedFailed:
			all = append(all, "`"+c+"`")
		case 2*n >= s.CrossedFailed:
			some = append(some, fmt.Sprintf("%d of them a new `%s`", n, c))
		}
	}
	switch len(all) {
	case 0:
	case 1:
		out += " and received a new " + all[0] + " cookie at the crossing"
	default:
		out += " and received new " + strings.Join(all, " and ") + " cookies at the crossing"
	}
	if len(some) > 0 {
		out += "; at the crossing " + strings.Join(some, ", ") + " cookie"
	}
	switch ok := s.Succeeded(); {
	case ok == 0:
		out += "; no run succeeded."
	case s.CrossedOK == 0:
		out += fmt.Sprintf("; none of the %d successful runs crossed.", ok)
	default:
		out += fmt.Sprintf("; %d of the %d successful runs crossed too.", s.CrossedOK, ok)
	}
	return out
}

// sessionSentence: "Every one of them lost its session (session-missing)",
// or the count when some failed otherwise.
func (e *evidence) sessionSentence(f Finding) string {
	n := f.Summary.Causes[replay.SessionMissing]
	if n == f.Summary.Failures {
		return "Every one of them lost its session (session-missing)"
	}
	return fmt.Sprintf("%d of the %d failed runs lost their session (session-missing)", n, f.Summary.Failures)
}

func (e *evidence) ofFailed(n int) string {
	if n == e.failed {
		return "Every failed run"
	}
	return fmt.Sprintf("%d of the %d failed runs", n, e.failed)
}

// median is the middle of ds, rounded to 10 µs ("0s" when empty).
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2].Round(10 * time.Microsecond)
}

// names lists the keys of m, most frequent first: "dc-west and dc-east".
func names(m map[string]int) string {
	if len(m) == 0 {
		return "a datacenter"
	}
	return strings.Join(ByCount(m), " and ")
}

// refusedAfterLoss recognises a run whose last answer came from the edge
// itself — a 502, 503 or 504 that no app served — for a datacenter that
// went away (or that the edge names as down): either the user was pinned to
// a datacenter that died, or the request was in flight there when it died.
func (e *evidence) refusedAfterLoss(run *replay.Run) (string, bool) {
	if len(run.Hops) == 0 {
		return "", false
	}
	last := run.Hops[len(run.Hops)-1]
	if last.ResponseHeader.Get(replay.HeaderServedBy) != "" ||
		(last.Status != 502 && last.Status != 503 && last.Status != 504) {
		return "", false
	}
	if dc := last.EdgeDatacenter; dc != "" && (e.gone[dc] || last.EdgeReason == "member-down") {
		return dc, true
	}
	for _, dc := range run.Datacenters {
		if e.gone[dc] {
			return dc, true
		}
	}
	return "", false
}
