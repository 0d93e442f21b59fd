package replay_test

import (
	"crypto/x509"
	"fmt"
	"testing"

	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/replay/replaytest"
)

// BenchmarkReplayLogin replays the login flow against the in-process TLS
// fixture (two datacenters, incident settings), fresh versus reused
// connections, at concurrency 1 and 16. flows/s is the figure to read.
// runsPerOp runs per worker and Replay call, so that reused connections
// get reused (a worker keeps its transport only within one Replay).
const runsPerOp = 8

func BenchmarkReplayLogin(b *testing.B) {
	srv, _ := replaytest.NewServer(b, replaytest.Config{Seed: 1})
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	for _, conc := range []int{1, 16} {
		for _, reuse := range []bool{false, true} {
			name := fmt.Sprintf("c=%d/fresh", conc)
			opts := []replay.Option{replay.WithCAPool(pool)}
			if reuse {
				name = fmt.Sprintf("c=%d/reused", conc)
				opts = append(opts, replay.WithReuseConnections())
			}
			b.Run(name, func(b *testing.B) {
				r, err := replay.New(srv.URL, opts...)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				flows := 0
				for b.Loop() {
					if _, err := r.Replay(b.Context(), replay.Login, runsPerOp*conc, conc); err != nil {
						b.Fatal(err)
					}
					flows += runsPerOp * conc
				}
				b.ReportMetric(float64(flows)/b.Elapsed().Seconds(), "flows/s")
			})
		}
	}
}
