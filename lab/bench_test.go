package lab_test

import (
	"context"
	"testing"
	"time"

	"github.com/stickylab/stickylab/internal/cputime"
	"github.com/stickylab/stickylab/lab"
	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/topology"
)

// BenchmarkLocalUp measures Up (plan, CA, listeners, readiness) of the
// default topology on the local runtime; Down is outside the timer. Target:
// under 50 ms per op.
func BenchmarkLocalUp(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		l, err := lab.Up(ctx, topology.Default(), lab.WithRuntime("local"))
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := l.Down(ctx); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// BenchmarkReplayLocal measures the whole replay path — client, edge, LB,
// app — on the local runtime: login flows per second at concurrency 1 and
// 16, with a fresh TLS connection per run and with reused connections.
// Targets at concurrency 16 on 2 cores: ≥ 600 flows/s fresh, ≥ 1,500 reused.
// cpu-µs/flow is the whole lab's CPU (every tier runs in the process) per
// flow: it moves less with the neighbours' load than flows/s.
func BenchmarkReplayLocal(b *testing.B) {
	ctx := context.Background()
	l, err := lab.Up(ctx, topology.Default(), lab.WithRuntime("local"))
	if err != nil {
		b.Fatal(err)
	}
	defer l.Down(ctx)
	for _, bc := range []struct {
		name        string
		concurrency int
		opts        []replay.Option
	}{
		{"fresh/c=1", 1, nil},
		{"fresh/c=16", 16, nil},
		{"reused/c=1", 1, []replay.Option{replay.WithReuseConnections()}},
		{"reused/c=16", 16, []replay.Option{replay.WithReuseConnections()}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			const flows = 400
			b.ReportAllocs()
			var done int
			start, cpu0 := time.Now(), cputime.Process()
			for b.Loop() {
				res, err := l.Replay(ctx, replay.Login, flows, bc.concurrency, bc.opts...)
				if err != nil {
					b.Fatal(err)
				}
				done += len(res.Runs)
			}
			b.ReportMetric(float64(done)/time.Since(start).Seconds(), "flows/s")
			b.ReportMetric(float64((cputime.Process()-cpu0).Microseconds())/float64(done), "cpu-µs/flow")
			b.ReportMetric(0, "ns/op")
		})
	}
}
