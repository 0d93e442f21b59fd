package fakecdn

import (
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// metrics are this LB's own counters, exposed through its own Prometheus
// registry by GET /metrics; nothing is global, so many LBs share a process.
type metrics struct {
	reasons  []atomic.Uint64 // indexed like Reasons
	statuses [6]atomic.Uint64
	codes    [6]atomic.Uint64 // 1xx..5xx by class; [0] other
}

var reasonIndex = func() map[string]int {
	m := make(map[string]int, len(Reasons))
	for i, r := range Reasons {
		m[r] = i
	}
	return m
}()

const statusLetters = "NIDVEO"

func newMetrics() *metrics { return &metrics{reasons: make([]atomic.Uint64, len(Reasons))} }

func (m *metrics) decided(d *decision) {
	m.reasons[reasonIndex[d.reason]].Add(1)
	m.statuses[strings.IndexByte(statusLetters, d.status)].Add(1)
}

func (m *metrics) responded(_ *decision, code int) {
	c := code / 100
	if c < 1 || c > 5 {
		c = 0
	}
	m.codes[c].Add(1)
}

// serveMetrics exposes this LB's own registry: the counters above are read
// at scrape time by a collector, so the request path only bumps atomics.
func (lb *LB) serveMetrics(w http.ResponseWriter, r *http.Request) {
	lb.metricsOnce.Do(func() {
		reg := prometheus.NewRegistry()
		reg.MustRegister(&collector{lb: lb})
		lb.metricsHandler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	})
	lb.metricsHandler.ServeHTTP(w, r)
}

var (
	descRequests  = prometheus.NewDesc("fakecdn_requests_total", "Requests forwarded to each member.", []string{"lb", "member"}, nil)
	descDecisions = prometheus.NewDesc("fakecdn_decisions_total", "Requests by persistence outcome (decision reason).", []string{"lb", "reason"}, nil)
	descCookie    = prometheus.NewDesc("fakecdn_cookie_status_total", "Requests by HAProxy-style request-cookie status (N none, I invalid, D down, V valid, E expired, O old).", []string{"lb", "status"}, nil)
	descResponses = prometheus.NewDesc("fakecdn_responses_total", "Responses by status class.", []string{"lb", "code"}, nil)
	descState     = prometheus.NewDesc("fakecdn_member_state", "1 for the member's admin state (up, down, draining).", []string{"lb", "member", "state"}, nil)
	descHealthy   = prometheus.NewDesc("fakecdn_member_healthy", "1 when the member passes its health checks.", []string{"lb", "member"}, nil)
	descWeight    = prometheus.NewDesc("fakecdn_member_weight", "The member's selection weight.", []string{"lb", "member"}, nil)
)

// collector turns one LB's counters into Prometheus metrics.
type collector struct{ lb *LB }

func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descRequests, descDecisions, descCookie, descResponses, descState, descHealthy, descWeight} {
		ch <- d
	}
}

func (c *collector) Collect(ch chan<- prometheus.Metric) {
	lb, name := c.lb, c.lb.Name()
	counter := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, append([]string{name}, labels...)...)
	}
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, append([]string{name}, labels...)...)
	}
	for i, r := range Reasons {
		counter(descDecisions, float64(lb.metrics.reasons[i].Load()), r)
	}
	for i := range statusLetters {
		counter(descCookie, float64(lb.metrics.statuses[i].Load()), statusLetters[i:i+1])
	}
	for code := 1; code <= 5; code++ {
		counter(descResponses, float64(lb.metrics.codes[code].Load()), strconv.Itoa(code)+"xx")
	}
	for _, m := range lb.pool.members {
		counter(descRequests, float64(m.requests.Load()), m.name)
		st := m.getState()
		for _, s := range policy.MemberStates {
			gauge(descState, b2f(st == s), m.name, s)
		}
		gauge(descHealthy, b2f(m.healthy.Load()), m.name)
		gauge(descWeight, m.getWeight(), m.name)
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
