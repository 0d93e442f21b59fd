package toxiserver

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// Exit codes of Main, as the lab's other roles use them.
const (
	exitFailure = 1
	exitUsage   = 2
)

// Main is `stickylab toxiproxy`: a toxiproxy-server with no proxies, its API
// on --addr, until ctx ends. The lab creates the proxies through the API.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("toxiproxy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8474", "address of Toxiproxy's REST API")
	hosts := fs.String("admin-hosts", "", "comma-separated host names the API answers besides loopback and localhost")
	switch err := fs.Parse(args); {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case err != nil:
		return exitUsage
	}
	s := New()
	defer Close(s)
	h, err := Handler(s, strings.Split(*hosts, ",")...)
	if err != nil {
		fmt.Fprintln(stderr, "toxiproxy: --admin-hosts:", err)
		return exitUsage
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "toxiproxy: --addr %s: %v\n", *addr, err)
		return exitFailure
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "toxiproxy API on %s\n", ln.Addr())
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(sctx)
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(stderr, "toxiproxy:", err)
		return exitFailure
	}
	return 0
}
