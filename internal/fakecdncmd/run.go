package fakecdncmd

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"strings"
	"time"

	"github.com/stickylab/stickylab/fakecdn"
	"github.com/stickylab/stickylab/internal/localguard"
)

// Exit codes: 2 for bad flags or configuration, 1 for a runtime failure.
const (
	exitFailure = 1
	exitUsage   = 2
)

// options are the command line.
type options struct {
	config        string
	addr          string
	adminAddr     string
	adminHosts    string
	tlsCert       string
	tlsKey        string
	selfSignedOut string
	tlsHosts      string
	stateFile     string
	accessLog     bool
	pprof         bool
	server        string
}

// Client-traffic servers (--server).
const (
	serverFast    = "fast"
	serverNetHTTP = "net/http"
)

// usageError is bad input: exit 2 with one line.
type usageError struct{ error }

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("fakecdn", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.config, "config", "", "configuration file (YAML), required")
	fs.StringVar(&o.addr, "addr", ":8080", "client traffic address HOST:PORT (HTTPS when TLS is configured)")
	fs.StringVar(&o.adminAddr, "admin-addr", ":8081", "admin API and /metrics address HOST:PORT")
	fs.StringVar(&o.adminHosts, "admin-hosts", "", "comma-separated host names the admin API also answers (e.g. its network alias); loopback and localhost always")
	fs.StringVar(&o.tlsCert, "tls-cert", "", "TLS certificate PEM file for client traffic")
	fs.StringVar(&o.tlsKey, "tls-key", "", "TLS key PEM file for client traffic")
	fs.StringVar(&o.selfSignedOut, "tls-self-signed-out", "", "generate a self-signed certificate at start and write its PEM to this file")
	fs.StringVar(&o.tlsHosts, "tls-hosts", "localhost,127.0.0.1,edge", "comma-separated names and IPs of the self-signed certificate")
	fs.StringVar(&o.stateFile, "state-file", "", "save the running configuration, member admin states and cookie key here on every admin change, and restore them at start (as a real balancer keeps its saved configuration)")
	fs.BoolVar(&o.accessLog, "access-log", true, "log every request as a JSON line on stderr (health changes are always logged)")
	fs.BoolVar(&o.pprof, "pprof", false, "also serve net/http/pprof under /debug/pprof/ on the admin address")
	fs.StringVar(&o.server, "server", serverFast, "client traffic server: fast (fakecdn's own HTTP/1.1 front, over TLS too, handing what it does not handle to net/http) or net/http")
	if err := fs.Parse(args); err != nil {
		return o, usageError{err}
	}
	switch {
	case fs.NArg() > 0:
		return o, usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	case o.config == "":
		return o, usageError{errors.New("--config: a configuration file is required")}
	case (o.tlsCert == "") != (o.tlsKey == ""):
		return o, usageError{errors.New("--tls-cert and --tls-key go together")}
	case o.tlsCert != "" && o.selfSignedOut != "":
		return o, usageError{errors.New("--tls-self-signed-out cannot be combined with --tls-cert")}
	case o.server != serverFast && o.server != serverNetHTTP:
		return o, usageError{fmt.Errorf("--server %q: want %s or %s", o.server, serverFast, serverNetHTTP)}
	}
	return o, nil
}

// LoadConfig reads, defaults and validates a configuration file; a bad file
// is a usage error (exit 2). `stickylab haproxy` reads the same file.
func LoadConfig(path string) (fakecdn.Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return fakecdn.Config{}, usageError{fmt.Errorf("--config: %w", err)}
	}
	cfg, err := fakecdn.ParseConfig(data)
	if err != nil {
		return cfg, usageError{fmt.Errorf("%s: %w", path, err)}
	}
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return cfg, usageError{fmt.Errorf("%s: %w", path, err)}
	}
	return cfg, nil
}

// tlsConfig returns nil without TLS.
func (o options) tlsConfig() (*tls.Config, error) {
	var cert tls.Certificate
	switch {
	case o.tlsCert != "":
		c, err := tls.LoadX509KeyPair(o.tlsCert, o.tlsKey)
		if err != nil {
			return nil, usageError{fmt.Errorf("--tls-cert/--tls-key: %w", err)}
		}
		cert = c
	case o.selfSignedOut != "":
		c, pemBytes, err := fakecdn.SelfSignedCert(strings.Split(o.tlsHosts, ",")...)
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(o.selfSignedOut, pemBytes, 0o644); err != nil {
			return nil, usageError{fmt.Errorf("--tls-self-signed-out: %w", err)}
		}
		cert = c
	default:
		return nil, nil
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

func run(ctx context.Context, args []string, stderr io.Writer) int {
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	err := serve(ctx, args, stderr, log)
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, "fakecdn:", err)
		return exitUsage
	}
	fmt.Fprintln(stderr, "fakecdn:", err)
	return exitFailure
}

// serve runs until ctx ends, then shuts both servers down gracefully.
func serve(ctx context.Context, args []string, stderr io.Writer, log *slog.Logger) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	cfg, err := LoadConfig(o.config)
	if err != nil {
		return err
	}
	tlsCfg, err := o.tlsConfig()
	if err != nil {
		return err
	}
	lbLog := log
	if !o.accessLog {
		lbLog = slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	lb, err := fakecdn.New(cfg, fakecdn.WithLogger(lbLog), fakecdn.WithAdminHosts(o.adminHostList()...), fakecdn.WithStateFile(o.stateFile))
	if err != nil {
		return usageError{err}
	}
	defer lb.Close()
	lc := net.ListenConfig{}
	ln, err := lc.Listen(ctx, "tcp", o.addr)
	if err != nil {
		return fmt.Errorf("--addr %s: %w", o.addr, err)
	}
	adminLn, err := lc.Listen(ctx, "tcp", o.adminAddr)
	if err != nil {
		ln.Close()
		return fmt.Errorf("--admin-addr %s: %w", o.adminAddr, err)
	}
	if tlsCfg != nil {
		ln = tls.NewListener(ln, tlsCfg)
	}
	lb.Start(ctx)
	admHandler, err := adminHandler(lb, o.pprof, o.adminHostList())
	if err != nil {
		ln.Close()
		adminLn.Close()
		return usageError{fmt.Errorf("--admin-hosts: %w", err)}
	}
	srv, admin := clientServer(lb, log, o.server), newServer(admHandler, log)
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	go func() { errc <- admin.Serve(adminLn) }()
	log.Info("fakecdn listening", "name", cfg.Name, "role", cfg.Role, "addr", ln.Addr().String(),
		"admin_addr", adminLn.Addr().String(), "tls", tlsCfg != nil, "server", srv.name)
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = srv.Shutdown(sctx)
	_ = admin.Shutdown(sctx)
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("fakecdn stopped", "name", cfg.Name)
	return nil
}

func (o options) adminHostList() []string { return strings.Split(o.adminHosts, ",") }

// adminHandler is the LB's admin API, plus the profiler when asked for,
// which the same guard keeps local.
func adminHandler(lb *fakecdn.LB, withPprof bool, hosts []string) (http.Handler, error) {
	if !withPprof {
		return lb.Admin(), nil
	}
	guard, err := localguard.New(hosts...)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/", lb.Admin())
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return guard.Handler(mux), nil
}

// server is what serves the client listener: net/http's server, or
// fakecdn's fast HTTP/1.1 front for plain HTTP (fakecdn.FastServer).
type server struct {
	name string
	servingShutdowner
}

type servingShutdowner interface {
	Serve(net.Listener) error
	Shutdown(context.Context) error
}

func clientServer(lb *fakecdn.LB, log *slog.Logger, kind string) server {
	srv := newServer(lb, log)
	if kind == serverNetHTTP {
		return server{serverNetHTTP, srv}
	}
	return server{serverFast, fakecdn.NewFastServer(lb, srv)}
}

func newServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      5 * time.Minute, // member delays are simulated inside a request
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}
