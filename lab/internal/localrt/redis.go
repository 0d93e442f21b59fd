package localrt

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/stickylab/stickylab/fakeapp"
	"github.com/stickylab/stickylab/lab/internal/plan"
)

// redisReadyTimeout bounds the wait for a redis-server child to answer PING
// and, for a replica, to finish its first sync.
const redisReadyTimeout = 10 * time.Second

// store is one Redis session store: a redis-server child, or miniredis in
// this process. Its address stays the same across Stop and Start.
type store struct {
	spec plan.Store
	bin  string // redis-server's path; "" runs miniredis
	addr string // 127.0.0.1:port, fixed at the first start

	mu     sync.Mutex
	server *redisServer         // the running child, nil when stopped or miniredis
	mr     *miniredis.Miniredis // miniredis, kept across Stop (Restart keeps its data)
	up     bool
}

// startStore runs s as the host's redis-server when it is installed,
// otherwise as miniredis in this process, and says which through logf. A
// replica (layout replicated) needs redis-server: miniredis does not
// replicate. replicaOf is where a replica reaches its primary.
func startStore(ctx context.Context, s plan.Store, replicaOf string, logf func(string, ...any)) (*store, error) {
	st := &store{spec: s}
	bin, err := exec.LookPath("redis-server")
	switch {
	case err == nil:
		st.bin = bin
	case s.ReplicaOf != "" || replicaOf != "":
		return st, fmt.Errorf("redis store %s: redis.layout replicated needs Debian's redis-server (apt-get install redis-server): miniredis, the embedded fallback, does not replicate", s.Name)
	}
	if err := st.start(ctx, replicaOf); err != nil {
		return st, err
	}
	if st.bin == "" {
		logf("runtime: redis store %s: miniredis in-process on %s (redis-server not installed: no maxmemory bound; apt-get install redis-server for a real one)", s.Name, st.addr)
		return st, nil
	}
	role := ""
	if s.ReplicaOf != "" {
		role = fmt.Sprintf(", replica of %s via %s", s.ReplicaOf, replicaOf)
	}
	logf("runtime: redis store %s: %s (maxmemory %s, %s%s) on %s", s.Name, st.bin, s.MaxMemory, s.Policy, role, st.addr)
	return st, nil
}

// start runs the store on its address (a free port the first time) and
// returns once it answers PING and, for a replica, has synced.
func (st *store) start(ctx context.Context, replicaOf string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.up {
		return nil
	}
	if st.bin == "" {
		return st.startMiniredis()
	}
	port, err := st.port()
	if err != nil {
		return fmt.Errorf("redis store %s: %w", st.spec.Name, err)
	}
	args := st.spec.Args(port)
	if replicaOf != "" {
		host, p, _ := net.SplitHostPort(replicaOf)
		pn, _ := strconv.Atoi(p)
		args = append(args, st.spec.ReplicaArgs(host, pn)...)
	}
	srv, err := runServer(ctx, st.bin, args, st.addr)
	if err != nil {
		return fmt.Errorf("redis store %s: %w", st.spec.Name, err)
	}
	if replicaOf != "" {
		if err := waitSynced(ctx, st.addr, replicaOf, srv.exited); err != nil {
			return errors.Join(fmt.Errorf("redis store %s: replica of %s: %w", st.spec.Name, replicaOf, err), srv.stop())
		}
	}
	st.server, st.up = srv, true
	return nil
}

func (st *store) startMiniredis() error {
	if st.mr == nil {
		mr, err := miniredis.Run()
		if err != nil {
			return fmt.Errorf("redis store %s: miniredis: %w", st.spec.Name, err)
		}
		st.mr, st.addr, st.up = mr, mr.Addr(), true
		return nil
	}
	if err := st.mr.Restart(); err != nil {
		return fmt.Errorf("redis store %s: restart miniredis on %s: %w", st.spec.Name, st.addr, err)
	}
	st.up = true
	return nil
}

// port is the store's port, picked on the first start.
func (st *store) port() (int, error) {
	if st.addr == "" {
		port, err := freePort()
		if err != nil {
			return 0, err
		}
		st.addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	}
	_, p, _ := net.SplitHostPort(st.addr)
	return strconv.Atoi(p)
}

// stop stops the server; its clients see connections refused. It is
// idempotent.
func (st *store) stop() error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if !st.up {
		return nil
	}
	st.up = false
	if st.mr != nil {
		st.mr.Close()
		return nil
	}
	err := st.server.stop()
	st.server = nil
	return err
}

// waitSynced returns once a replica streams its primary's writes: its link
// is up and a probe key written on the primary (through primary, the
// replication link) has reached it. A replica that reports its link up can
// still be seconds from receiving writes; apps must not start before.
func waitSynced(ctx context.Context, addr, primary string, exited chan error) error {
	ctx, cancel := context.WithTimeout(ctx, redisReadyTimeout)
	defer cancel()
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialerRetries: 1})
	defer c.Close()
	p := redis.NewClient(&redis.Options{Addr: primary, MaxRetries: -1, DialerRetries: 1})
	defer p.Close()
	const probe = "stickylab:replication-probe"
	token := strconv.FormatInt(time.Now().UnixNano(), 36)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	written := false
	for {
		info, err := c.Info(ctx, "replication").Result()
		if err == nil && infoField(info, "master_link_status") == "up" {
			if !written {
				written = p.Set(ctx, probe, token, 0).Err() == nil
			}
			if written && c.Get(ctx, probe).Val() == token {
				return p.Del(ctx, probe).Err()
			}
		}
		select {
		case e := <-exited:
			exited <- e
			return fmt.Errorf("exited before its first sync: %v", e)
		case <-ctx.Done():
			return fmt.Errorf("no write of its primary reached it on %s (INFO replication: %s): %w", addr, info, ctx.Err())
		case <-tick.C:
		}
	}
}

// startStores starts the plan's Redis stores but the replicas, before the
// apps that use them; Down stops them after the apps.
func (dep *deployment) startStores(ctx context.Context, logf func(string, ...any)) error {
	dep.stores = map[string]*store{}
	return dep.startEach(ctx, logf, func(s plan.Store) bool { return s.ReplicaOf == "" })
}

// startReplicas starts the replicas once the links they replicate over
// exist, then the session clients the apps share.
func (dep *deployment) startReplicas(ctx context.Context, logf func(string, ...any)) error {
	if err := dep.startEach(ctx, logf, func(s plan.Store) bool { return s.ReplicaOf != "" }); err != nil {
		return err
	}
	return dep.storeClients()
}

func (dep *deployment) startEach(ctx context.Context, logf func(string, ...any), which func(plan.Store) bool) error {
	for _, s := range dep.plan.Stores {
		if !which(s) {
			continue
		}
		target, err := dep.replicationTarget(s)
		if err != nil {
			return err
		}
		st, err := startStore(ctx, s, target, logf)
		dep.stores[s.Name] = st // Down stops whatever started, even on error
		if err != nil {
			return err
		}
	}
	return nil
}

// replicationTarget is where a replica reaches its primary: the loopback
// address of its replication link. "" for a store that replicates nothing.
func (dep *deployment) replicationTarget(s plan.Store) (string, error) {
	if s.ReplicaOf == "" {
		return "", nil
	}
	return dep.LinkAddr(plan.ReplicationLink(s.Datacenter))
}

// storeClients makes one session client per pair of stores apps read and
// write (one per store, but for the replicas of layout replicated), shared
// by the apps that use it.
func (dep *deployment) storeClients() error {
	dep.clients = map[[2]string]*fakeapp.RedisStore{}
	for _, n := range dep.plan.Nodes {
		a := n.App
		if a == nil || a.Store == "" {
			continue
		}
		key := [2]string{a.Store, a.WriteStore}
		if dep.clients[key] != nil {
			continue
		}
		var opts []fakeapp.RedisOption
		if a.WriteStore != "" && a.WriteStore != a.Store {
			opts = append(opts, fakeapp.WriteTo(dep.stores[a.WriteStore].addr))
		}
		c, err := fakeapp.NewRedisStore(dep.stores[a.Store].addr, a.RedisPrefix, a.SessionTimeout, opts...)
		if err != nil {
			return fmt.Errorf("session client of %s: %w", n.Name, err)
		}
		dep.clients[key] = c
	}
	return nil
}

// sessionsOf is the session client of an app node; nil keeps them in memory.
func (dep *deployment) sessionsOf(a *plan.App) fakeapp.SessionStore {
	if c := dep.clients[[2]string{a.Store, a.WriteStore}]; c != nil {
		return c
	}
	return nil
}

// closeStores closes the clients, then stops the stores, replicas first.
func (dep *deployment) closeStores() error {
	var errs []error
	for _, c := range dep.clients {
		errs = append(errs, c.Close())
	}
	for i := len(dep.plan.Stores) - 1; i >= 0; i-- {
		if st := dep.stores[dep.plan.Stores[i].Name]; st != nil {
			errs = append(errs, st.stop())
		}
	}
	return errors.Join(errs...)
}
