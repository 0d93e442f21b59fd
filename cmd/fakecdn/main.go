// Command fakecdn is the stickylab load balancer: a CDN edge or a
// datacenter LB, depending on its configuration file.
//
//	fakecdn --config FILE --addr HOST:PORT --admin-addr HOST:PORT [--admin-hosts NAMES] [--tls-cert FILE --tls-key FILE]
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

func main() {
	if os.Getenv("GOGC") == "" {
		// A proxy's heap is small and short-lived; collecting less often
		// bought ~15% throughput in scripts/bench-lb.sh. GOGC overrides.
		debug.SetGCPercent(400)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stderr))
}
