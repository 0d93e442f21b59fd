package replay

import (
	"net/http"
	"net/url"
	"time"

	"github.com/stickylab/stickylab/lab/stats"
)

// Failure classes of a run (Run.Failure). The first six come from the app
// (X-Stickylab-Failure, or ASP.NET's messages when the header is absent).
const (
	AntiforgeryUndecryptable = "antiforgery-undecryptable"
	AntiforgeryMismatch      = "antiforgery-mismatch"
	AntiforgeryMissingCookie = "antiforgery-missing-cookie"
	AntiforgeryMissingField  = "antiforgery-missing-field"
	SessionMissing           = "session-missing"
	BadCredentials           = "bad-credentials"
	HTTPError                = "http-error" // transport error or an unexpected answer (e.g. 503)
	Timeout                  = "timeout"    // the run started but the deadline cut it
)

// Result is a whole replay.
type Result struct {
	Flow        string
	Requests    int // requests a successful run makes (Flow.Requests)
	BaseURL     string
	Concurrency int
	Reused      bool // connections shared across runs (WithReuseConnections)
	Started     time.Time
	Elapsed     time.Duration
	Runs        []Run // the runs that started, ordered by Index
	// Rule and Decision are set by ReplayUntil.
	Rule     string
	Decision stats.Decision
	// Planned is the number of runs asked for (Replay's n, the stop rule's
	// cap; 0 when unbounded).
	Planned int
	// Interrupted says why the replay ended before it was done (its
	// context's cause, e.g. "context canceled"); "" when it ran to its end.
	Interrupted string
	// Dropped counts the runs the interruption cut, which Completed leaves out.
	Dropped int
}

// Run is one journey with a fresh cookie jar.
type Run struct {
	Index      int
	OK         bool
	Failure    string // failure class; "" when OK
	FailedStep string // the step's Name
	// Crossed is true when consecutive hops were served by different
	// datacenters (by X-Served-By).
	Crossed bool
	// Datacenters is the path of datacenters the hops went through, with
	// consecutive repeats collapsed: [dc-east dc-west] for a crossing.
	Datacenters []string
	// Reissued lists cookies set mid-flow with a new value while the client
	// held another one (lbs, the anti-forgery cookie), excluding those the
	// step was expected to renew.
	Reissued []string
	Hops     []Hop
	// Interrupted is true when the replay's own context cut the run (Ctrl-C,
	// a deadline): it says nothing about the endpoint (Failure is timeout).
	Interrupted bool
	Err         string // what went wrong, for people
	Start       time.Time
	Duration    time.Duration
}

// Hop is one request and its response.
type Hop struct {
	Step           string
	Method         string
	URL            string
	Status         int
	Proto          string
	RequestHeader  http.Header // as sent, including Cookie
	ResponseHeader http.Header // as received, including every Set-Cookie
	Form           url.Values  // the posted form, for POST
	Datacenter     string      // from X-Served-By (or the edge's decision header)
	Instance       string      // from X-Served-By (or the LB's decision header)
	EdgeDatacenter string      // X-Stickylab-Edge dc=
	EdgeReason     string      // X-Stickylab-Edge reason=
	LB             string      // X-Stickylab-LB lb=
	LBMember       string      // X-Stickylab-LB member=
	LBReason       string      // X-Stickylab-LB reason=
	Failure        string      // X-Stickylab-Failure
	Location       string
	Reissued       []string // cookies re-issued by this response
	ContentType    string
	BodySize       int64
	Body           string // kept only for the hop that failed, at most 4 KiB
	Err            string
	Start          time.Time
	Wait           time.Duration // until the response headers
	Duration       time.Duration // until the body was read
}

// Failed returns the runs that failed.
func (r *Result) Failed() []Run {
	var out []Run
	for _, run := range r.Runs {
		if !run.OK {
			out = append(out, run)
		}
	}
	return out
}

// Summary counts the runs and the requests each datacenter and instance served.
func (r *Result) Summary() stats.Summary {
	s := stats.NewSummary()
	if r == nil {
		return s
	}
	for _, run := range r.Runs {
		s.Add(run.OK, run.Failure, run.Crossed)
		for _, h := range run.Hops {
			if h.Status != 0 {
				s.Served(h.Datacenter, h.Instance)
			}
		}
	}
	return s
}
