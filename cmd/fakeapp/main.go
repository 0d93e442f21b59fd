// Command fakeapp serves the stickylab login portal on --addr and its admin
// API on --admin-addr; `fakeapp --help` lists the flags. `stickylab fakeapp`
// is the same command.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/stickylab/stickylab/internal/fakeappcmd"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	os.Exit(fakeappcmd.Main(ctx, os.Args[1:], os.Stdout, os.Stderr))
}
