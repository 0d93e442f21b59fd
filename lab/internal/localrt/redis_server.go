package localrt

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisServer is a running redis-server child.
type redisServer struct {
	exited chan error // receives Wait's result once
	stop   func() error
}

// runServer starts redis-server with args on addr, with no persistence,
// and waits until it answers PING. On error the child is gone.
func runServer(ctx context.Context, bin string, args []string, addr string) (*redisServer, error) {
	dir, err := os.MkdirTemp("", "stickylab-redis-")
	if err != nil {
		return nil, fmt.Errorf("redis-server work dir: %w", err)
	}
	args = append(args, "--bind", "127.0.0.1", "--dir", dir, "--daemonize", "no", "--logfile", "")
	cmd := exec.Command(bin, args...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	srv := &redisServer{exited: make(chan error, 1)}
	go func() { srv.exited <- cmd.Wait() }()
	srv.stop = func() error {
		cmd.Process.Kill()
		<-srv.exited
		return os.RemoveAll(dir)
	}
	if err := waitPing(ctx, addr, srv.exited); err != nil {
		srv.stop()
		return nil, fmt.Errorf("%s %s: %w; output: %s", bin, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return srv, nil
}

// waitPing polls PING until the server answers, the child exits or the
// ready timeout passes. An exit is reported back on exited for the stopper.
func waitPing(ctx context.Context, addr string, exited chan error) error {
	ctx, cancel := context.WithTimeout(ctx, redisReadyTimeout)
	defer cancel()
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialerRetries: 1})
	defer c.Close()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	var d net.Dialer
	for {
		// Dial first: go-redis logs every refused dial, and a starting
		// server refuses a few.
		conn, err := d.DialContext(ctx, "tcp", addr)
		if err == nil {
			conn.Close()
			if err = c.Ping(ctx).Err(); err == nil {
				return nil
			}
		}
		select {
		case e := <-exited:
			exited <- e
			return fmt.Errorf("exited before answering PING: %v", e)
		case <-ctx.Done():
			return fmt.Errorf("no answer to PING on %s: %w", addr, err)
		case <-tick.C:
		}
	}
}

// freePort asks the kernel for a free loopback port. redis-server cannot
// listen on port 0 and report it, so the port is picked here and handed on.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pick a port for redis-server: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// infoField finds "field:value" in an INFO reply ("" when absent).
func infoField(info, field string) string {
	for _, line := range strings.Split(info, "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), ":"); ok && k == field {
			return v
		}
	}
	return ""
}
