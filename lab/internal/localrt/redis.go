package localrt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/stickylab/stickylab/fakeapp"
	"github.com/stickylab/stickylab/lab/internal/plan"
)

// redisReadyTimeout bounds the wait for a redis-server child to answer PING.
const redisReadyTimeout = 10 * time.Second

// store is one running Redis session store and the client every app of the
// lab that uses it shares.
type store struct {
	name     string
	addr     string // 127.0.0.1:port
	sessions *fakeapp.RedisStore
	stop     func() error
}

// close stops the server and the client; it is idempotent.
func (s *store) close() error {
	var errs []error
	if s.sessions != nil {
		errs = append(errs, s.sessions.Close())
		s.sessions = nil
	}
	if s.stop != nil {
		errs = append(errs, s.stop())
		s.stop = nil
	}
	return errors.Join(errs...)
}

// startStore runs s as the host's redis-server when it is installed,
// otherwise as miniredis in this process, and says which through logf.
func startStore(ctx context.Context, s plan.Store, prefix string, timeout time.Duration, logf func(string, ...any)) (*store, error) {
	st := &store{name: s.Name}
	if bin, err := exec.LookPath("redis-server"); err == nil {
		if err := st.runServer(ctx, bin, s); err != nil {
			return st, fmt.Errorf("redis store %s: %w", s.Name, err)
		}
		logf("runtime: redis store %s: %s (maxmemory %s, %s) on %s", s.Name, bin, s.MaxMemory, s.Policy, st.addr)
	} else {
		mr, err := miniredis.Run()
		if err != nil {
			return st, fmt.Errorf("redis store %s: miniredis: %w", s.Name, err)
		}
		st.addr, st.stop = mr.Addr(), func() error { mr.Close(); return nil }
		logf("runtime: redis store %s: miniredis in-process on %s (redis-server not installed: no maxmemory bound; apt-get install redis-server for a real one)", s.Name, st.addr)
	}
	sessions, err := fakeapp.NewRedisStore(st.addr, prefix, timeout)
	if err != nil {
		return st, fmt.Errorf("redis store %s: %w", s.Name, err)
	}
	st.sessions = sessions
	return st, nil
}

// runServer starts redis-server on a free loopback port, with no
// persistence, and waits until it answers PING. On error the child is gone.
func (st *store) runServer(ctx context.Context, bin string, s plan.Store) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "stickylab-redis-")
	if err != nil {
		return fmt.Errorf("redis-server work dir: %w", err)
	}
	args := append(s.Args(port), "--bind", "127.0.0.1", "--dir", dir, "--daemonize", "no", "--logfile", "")
	cmd := exec.Command(bin, args...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return fmt.Errorf("start %s: %w", bin, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	st.addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	st.stop = func() error {
		cmd.Process.Kill()
		<-exited
		return os.RemoveAll(dir)
	}
	if err := waitPing(ctx, st.addr, exited); err != nil {
		return fmt.Errorf("%s %s: %w; output: %s", bin, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return nil
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

// startStores starts the plan's Redis stores before the apps that use
// them; Down stops them after the apps.
func (dep *deployment) startStores(ctx context.Context, logf func(string, ...any)) error {
	dep.stores = map[string]*store{}
	for _, s := range dep.plan.Stores {
		prefix, timeout := storeClientSettings(dep.plan, s.Name)
		st, err := startStore(ctx, s, prefix, timeout, logf)
		dep.stores[s.Name] = st // Down stops whatever started, even on error
		if err != nil {
			return err
		}
	}
	return nil
}

// storeClientSettings are the key prefix and session timeout of the apps
// using store name: the prefix is the lab's, the timeout the first app's
// (every datacenter sharing a store should agree on it).
func storeClientSettings(p *plan.Plan, name string) (string, time.Duration) {
	for _, n := range p.Nodes {
		if n.App != nil && n.App.Store == name {
			return n.App.RedisPrefix, n.App.SessionTimeout
		}
	}
	return "", 0
}
