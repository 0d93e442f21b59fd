package dockerrt

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/stickylab/stickylab/internal/testenv"
	"github.com/stickylab/stickylab/lab/internal/plan"
	"github.com/stickylab/stickylab/lab/topology"
)

// BenchmarkUpDown starts the default topology (7 containers) until every
// container answers /healthz, then removes it; images are built before the
// clock starts. It reports the median up and down times in ms
// (scripts/bench-up.sh compares them with plain `docker run -d`).
func BenchmarkUpDown(b *testing.B) {
	if err := Available(b.Context()); err != nil {
		testenv.Skip(b, testenv.RequireDocker, "no Docker engine: %v", err)
	}
	cli, err := dockerClient(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	if _, err := ensureImage(b.Context(), cli, b.Logf); err != nil {
		b.Fatal(err)
	}
	d := New(nil)
	var ups, downs []float64
	b.ResetTimer()
	for b.Loop() {
		p, err := plan.New(topology.Default())
		if err != nil {
			b.Fatal(err)
		}
		files, _ := tlsFiles(p)
		t0 := time.Now()
		dep, err := d.Start(b.Context(), p, files)
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if err := dep.Down(context.Background()); err != nil {
			b.Fatal(err)
		}
		ups = append(ups, ms(t1.Sub(t0)))
		downs = append(downs, ms(time.Since(t1)))
	}
	b.ReportMetric(median(ups), "up-ms")
	b.ReportMetric(median(downs), "down-ms")
	b.ReportMetric(0, "ns/op")
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
