// Package monitor is a synthetic monitor like the one that caught the seed
// incident: it replays a flow against an endpoint at a fixed interval,
// exports Prometheus metrics, and decides with Wald's sequential test
// (stats.SPRT) when the failure rate is significantly above a threshold. It
// then logs one alert line and POSTs a JSON alert to a webhook, and alerts
// again only once the rate has recovered.
package monitor
