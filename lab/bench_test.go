package lab_test

import (
	"context"
	"testing"

	"github.com/stickylab/stickylab/lab"
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
