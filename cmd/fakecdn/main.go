// Command fakecdn is the stickylab load balancer: a CDN edge or a
// datacenter LB, depending on its configuration file. `stickylab fakecdn`
// is the same command.
//
//	fakecdn --config FILE --addr HOST:PORT --admin-addr HOST:PORT [--admin-hosts NAMES] [--tls-cert FILE --tls-key FILE] [--state-file FILE]
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/stickylab/stickylab/internal/fakecdncmd"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	os.Exit(fakecdncmd.Main(ctx, os.Args[1:], os.Stderr))
}
