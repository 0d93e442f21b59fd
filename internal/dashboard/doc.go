// Package dashboard serves the live dashboard of `stickylab up`: the
// topology with what is down, partitioned or slowed, live requests per
// datacenter and instance, the failure rate over time with its confidence
// band, the latest failed runs hop by hop, the current policies, the
// controls of `stickylab ctl` and a traffic generator.
//
// How it is built:
//   - Live updates are server-sent events (GET /events): one JSON snapshot
//     at a time, pushed about once a second and right after every control.
//   - Every asset (page, script, style) is embedded with embed.FS, so the
//     page works with no internet and no JavaScript build step.
//   - The chart is drawn on the server as SVG with gonum.org/v1/plot, the
//     library the HTML reports (lab/report) use: one charting library for
//     reports and dashboard, nothing to download or bundle, and the same
//     colours. The page only puts the SVG it receives in place.
//
// Security (issue 17): the whole handler is wrapped by localguard (Host
// must be loopback, Origin must be the dashboard's own, state changes must
// be JSON). State-changing routes are POST only and need the run's token in
// an Authorization: Bearer header; the page gets the token inside the HTML
// its own origin serves, never from a URL.
package dashboard
