package monitor

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/stickylab/stickylab/lab/replay"
)

// metrics are the monitor's Prometheus series, in a registry of its own.
type metrics struct {
	reg      *prometheus.Registry
	runs     *prometheus.CounterVec
	failures *prometheus.CounterVec
	duration *prometheus.HistogramVec
	alerting prometheus.Gauge
	alerts   prometheus.Counter
	webhooks *prometheus.CounterVec
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "stickylab_monitor_runs_total",
			Help: "Synthetic runs of the flow, by result (ok or failed)."}, []string{"result"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "stickylab_monitor_failures_total",
			Help: "Failed runs by failure class and the datacenter that answered the failing request (none when nothing answered)."},
			[]string{"class", "datacenter"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "stickylab_monitor_run_duration_seconds",
			Help: "Duration of one run of the flow, by result.", Buckets: prometheus.ExponentialBuckets(0.005, 2, 14)},
			[]string{"result"}),
		alerting: prometheus.NewGauge(prometheus.GaugeOpts{Name: "stickylab_monitor_alerting",
			Help: "1 while the failure rate is significantly above the threshold, until it has recovered."}),
		alerts: prometheus.NewCounter(prometheus.CounterOpts{Name: "stickylab_monitor_alerts_total",
			Help: "Alerts fired."}),
		webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "stickylab_monitor_webhook_attempts_total",
			Help: "Webhook POSTs, by result (ok or failed)."}, []string{"result"}),
	}
	m.reg.MustRegister(m.runs, m.failures, m.duration, m.alerting, m.alerts, m.webhooks)
	for _, r := range []string{"ok", "failed"} {
		m.runs.WithLabelValues(r)
		m.webhooks.WithLabelValues(r)
	}
	return m
}

func (m *metrics) observe(run replay.Run) {
	result := "ok"
	if !run.OK {
		result = "failed"
		m.failures.WithLabelValues(run.Failure, failedDatacenter(run)).Inc()
	}
	m.runs.WithLabelValues(result).Inc()
	m.duration.WithLabelValues(result).Observe(run.Duration.Seconds())
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}
