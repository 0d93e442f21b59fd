// Package fakecdncmd is the fakecdn command: the stickylab load balancer, a
// CDN edge or a datacenter LB depending on its configuration file. Both
// bin/fakecdn and `stickylab fakecdn` run Main, so their flags are the same.
//
//	fakecdn --config FILE --addr HOST:PORT --admin-addr HOST:PORT [--admin-hosts NAMES] [--tls-cert FILE --tls-key FILE] [--server fast|net/http]
package fakecdncmd

import (
	"context"
	"io"
	"os"
	"runtime/debug"
)

// Main tunes the process for a proxy, then serves until ctx ends (the caller
// ends it on SIGTERM or SIGINT) and returns the exit code: 2 for bad flags
// or configuration, 1 for a runtime failure.
func Main(ctx context.Context, args []string, stderr io.Writer) int {
	if os.Getenv("GOGC") == "" {
		// A proxy's heap is small and short-lived; collecting less often
		// bought ~15% throughput in scripts/bench-lb.sh. GOGC overrides.
		debug.SetGCPercent(400)
	}
	return run(ctx, args, stderr)
}
