// Command fakeapp serves the stickylab login portal (package fakeapp) on
// --addr and its admin API on --admin-addr.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/stickylab/stickylab/fakeapp"
)

const (
	maxBodyBytes    = 64 << 10
	shutdownTimeout = 10 * time.Second
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// run serves until ctx ends and returns the exit code: 2 for bad
// configuration, 1 when serving fails.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	opts, err := parseConfig(args, getenv)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, usage)
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "fakeapp: %v\n", err)
		return 2
	}
	app, err := fakeapp.New(opts.App)
	if err != nil {
		fmt.Fprintln(stderr, err) // already prefixed "fakeapp: "
		return 2
	}
	logger := log.New(stderr, "fakeapp: ", log.LstdFlags)
	if err := serve(ctx, app, opts, logger, nil); err != nil {
		fmt.Fprintf(stderr, "fakeapp: %v\n", err)
		return 1
	}
	return 0
}

// serve listens on both addresses and shuts both servers down gracefully
// when ctx ends. ready, if not nil, learns the bound addresses (tests listen
// on port 0).
func serve(ctx context.Context, app *fakeapp.App, opts options, logger *log.Logger, ready func(portal, admin net.Addr)) error {
	servers := []*http.Server{newServer(opts.Addr, app, logger), newServer(opts.AdminAddr, app.Admin(), logger)}
	listeners := make([]net.Listener, 0, len(servers))
	for _, s := range servers {
		ln, err := net.Listen("tcp", s.Addr)
		if err != nil {
			for _, l := range listeners {
				l.Close()
			}
			return fmt.Errorf("listen %s: %w", s.Addr, err)
		}
		listeners = append(listeners, ln)
	}
	logger.Printf("%s serving on %s, admin on %s", app.ServedBy(), listeners[0].Addr(), listeners[1].Addr())

	if ready != nil {
		ready(listeners[0].Addr(), listeners[1].Addr())
	}
	errc := make(chan error, len(servers))
	for i, s := range servers {
		go func() { errc <- s.Serve(listeners[i]) }()
	}
	var err error
	select {
	case <-ctx.Done():
	case err = <-errc: // a server stopped on its own: stop the other too
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	for _, s := range servers {
		if e := s.Shutdown(shutdownCtx); e != nil && err == nil {
			err = fmt.Errorf("shutdown %s: %w", s.Addr, e)
		}
	}
	logger.Printf("%s stopped", app.ServedBy())
	return err
}

func newServer(addr string, h http.Handler, logger *log.Logger) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           http.MaxBytesHandler(h, maxBodyBytes),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          logger,
	}
}

const usage = `usage: fakeapp --datacenter NAME [flags]

Serves the stickylab login portal on --addr and its admin API on --admin-addr.
Every flag falls back to its environment variable, then to the default.

  --addr HOST:PORT            portal address [FAKEAPP_ADDR] (default :8080)
  --admin-addr HOST:PORT      admin API address [FAKEAPP_ADMIN_ADDR] (default :8081)
  --admin-hosts NAMES         host names the admin API also answers, comma separated,
                              e.g. its network alias [FAKEAPP_ADMIN_HOSTS]
                              (loopback addresses and localhost always)
  --datacenter NAME           datacenter name, required [FAKEAPP_DATACENTER]
  --instance NAME             instance name [FAKEAPP_INSTANCE] (default NAME-1)
  --key-scope SCOPE           instance | datacenter | shared [FAKEAPP_KEY_SCOPE] (default datacenter)
  --key-secret SECRET         machine key secret [FAKEAPP_KEY_SECRET] (default: fixed public lab secret)
  --secure-cookies MODE       auto | always | never [FAKEAPP_SECURE_COOKIES] (default auto)
  --session-timeout DURATION  sliding session timeout [FAKEAPP_SESSION_TIMEOUT] (default 20m)
  --max-sessions N            sessions kept, LRU evicted beyond [FAKEAPP_MAX_SESSIONS] (default 100000)
  --sessions STORE            memory (InProc) | redis [FAKEAPP_SESSIONS] (default memory)
  --redis-addr HOST:PORT      Redis session store, with --sessions redis [FAKEAPP_REDIS_ADDR]
  --redis-prefix PREFIX       application prefix of the session keys [FAKEAPP_REDIS_PREFIX]
                              (default stickylab); keys are {PREFIX_<ASP.NET_SessionId>}_Data
  --users LIST                user:password,... [FAKEAPP_USERS] (default alice:wonderland)
  --antiforgery-cookie NAME   anti-forgery cookie name [FAKEAPP_ANTIFORGERY_COOKIE]
                              (default __RequestVerificationToken_L1ZQQw2)
`
