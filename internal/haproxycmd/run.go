// Package haproxycmd is `stickylab haproxy`: a datacenter LB whose balancer
// is Debian's HAProxy. It reads the same configuration file as `stickylab
// fakecdn` (role dc), renders haproxy.cfg from it, runs haproxy as a child,
// and serves fakecdn's admin API in front of haproxy's runtime API. The
// Docker runtime runs it in the lab's HAProxy image.
//
//	haproxy --config FILE --addr HOST:PORT --admin-addr HOST:PORT [--admin-hosts NAMES] [--run-dir DIR] [--dns]
package haproxycmd

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/stickylab/stickylab/fakecdn"
	"github.com/stickylab/stickylab/internal/fakecdncmd"
	"github.com/stickylab/stickylab/internal/haproxy"
)

// Exit codes: 2 for bad flags or configuration, 1 for a runtime failure
// (haproxy missing included: the flags were right).
const (
	exitFailure = 1
	exitUsage   = 2
)

type options struct {
	config, addr, adminAddr, adminHosts, runDir string
	dns                                         bool
}

type usageError struct{ error }

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("haproxy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.config, "config", "", "fakecdn configuration file (YAML, role dc), required")
	fs.StringVar(&o.addr, "addr", ":8080", "client traffic address HOST:PORT, bound by haproxy")
	fs.StringVar(&o.adminAddr, "admin-addr", ":8081", "admin API address HOST:PORT (fakecdn's API)")
	fs.StringVar(&o.adminHosts, "admin-hosts", "", "comma-separated host names the admin API also answers; loopback and localhost always")
	fs.StringVar(&o.runDir, "run-dir", os.TempDir(), "directory for haproxy.cfg and the stats socket")
	fs.BoolVar(&o.dns, "dns", false, "resolve member names at run time through /etc/resolv.conf (container networks)")
	if err := fs.Parse(args); err != nil {
		return o, usageError{err}
	}
	switch {
	case fs.NArg() > 0:
		return o, usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	case o.config == "":
		return o, usageError{errors.New("--config: a configuration file is required")}
	}
	return o, nil
}

// loadConfig is fakecdn's configuration file, for a datacenter tier.
func loadConfig(path string) (fakecdn.Config, error) {
	cfg, err := fakecdncmd.LoadConfig(path)
	if err == nil && cfg.Role != "dc" {
		err = fmt.Errorf("%s: role %q: haproxy serves a datacenter tier (role dc) only", path, cfg.Role)
	}
	if err != nil {
		return cfg, usageError{err}
	}
	return cfg, nil
}

// Main serves until ctx ends or haproxy exits, and returns the exit code.
func Main(ctx context.Context, args []string, stderr io.Writer) int {
	err := serve(ctx, args, stderr)
	var ue usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, "haproxy:", err)
		return exitUsage
	}
	fmt.Fprintln(stderr, "haproxy:", err)
	return exitFailure
}

func serve(ctx context.Context, args []string, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	cfg, err := loadConfig(o.config)
	if err != nil {
		return err
	}
	bin, err := haproxy.Binary()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp(o.runDir, "stickylab-haproxy-")
	if err != nil {
		return fmt.Errorf("--run-dir: %w", err)
	}
	defer os.RemoveAll(dir)
	adminLn, err := (&net.ListenConfig{}).Listen(ctx, "tcp", o.adminAddr)
	if err != nil {
		return fmt.Errorf("--admin-addr %s: %w", o.adminAddr, err)
	}
	defer adminLn.Close()
	p, err := haproxy.Start(ctx, haproxy.Spec{Bin: bin, Dir: dir, Config: cfg, Bind: o.addr, DNS: o.dns, Log: stderr})
	if err != nil {
		return err
	}
	defer p.Stop()
	shim, err := haproxy.NewShim(cfg, p.Runtime, strings.Split(o.adminHosts, ",")...)
	if err != nil {
		return usageError{fmt.Errorf("--admin-hosts: %w", err)}
	}
	srv := &http.Server{Handler: shim, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(adminLn) }()
	fmt.Fprintf(stderr, "haproxy: %s for %s on %s, admin API on %s\n", bin, cfg.Name, o.addr, adminLn.Addr())
	select {
	case <-ctx.Done():
	case <-p.Exited():
		err = p.Err()
	case err = <-errc:
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(sctx)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}
