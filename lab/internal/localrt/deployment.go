package localrt

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/stickylab/stickylab/fakeapp"
	"github.com/stickylab/stickylab/lab/internal/plan"
)

// deployment is a running plan in this process.
type deployment struct {
	plan   *plan.Plan
	cancel context.CancelFunc // ends every LB's health checks
	nodes  map[string]*node   // by node name; fixed after Start
	links  *links             // the WAN links' Toxiproxy server; fixed after Start
	stores map[string]*store  // Redis session stores by name; fixed after Start
	// clients are the apps' Redis session clients, by the stores they read
	// and write; fixed after Start
	clients map[[2]string]*fakeapp.RedisStore
	dir     string // the LBs' state files, removed by Down

	mu   sync.Mutex
	down bool
}

// lookup returns a node of a lab that is not down.
func (dep *deployment) lookup(name string) (*node, error) {
	if _, err := dep.plan.Node(name); err != nil {
		return nil, err
	}
	dep.mu.Lock()
	defer dep.mu.Unlock()
	if dep.down {
		return nil, fmt.Errorf("node %s: the lab is down", name)
	}
	return dep.nodes[name], nil
}

// store returns the Redis store named name, nil when name is no store.
func (dep *deployment) store(name string) (*store, error) {
	st := dep.stores[name]
	if st == nil {
		return nil, nil
	}
	dep.mu.Lock()
	defer dep.mu.Unlock()
	if dep.down {
		return nil, fmt.Errorf("redis store %s: the lab is down", name)
	}
	return st, nil
}

// EdgeURL is the edge's client URL.
func (dep *deployment) EdgeURL() string {
	scheme := "http"
	if dep.plan.TLS() {
		scheme = "https"
	}
	return scheme + "://" + dep.nodes[plan.EdgeName].addr
}

// AdminURL is a node's admin API; the address stays the same across restarts.
func (dep *deployment) AdminURL(name string) (string, error) {
	n, err := dep.lookup(name)
	if err != nil {
		return "", err
	}
	return "http://" + n.adminAddr, nil
}

// Stop stops a node or a Redis store; it is idempotent.
func (dep *deployment) Stop(_ context.Context, name string) error {
	if st, err := dep.store(name); st != nil || err != nil {
		if err != nil {
			return err
		}
		return st.stop()
	}
	n, err := dep.lookup(name)
	if err != nil {
		return err
	}
	return n.Stop()
}

// Start starts a stopped node or Redis store on its old addresses; it is
// idempotent.
func (dep *deployment) Start(ctx context.Context, name string) error {
	if st, err := dep.store(name); st != nil || err != nil {
		if err != nil {
			return err
		}
		target, err := dep.replicationTarget(st.spec)
		if err != nil {
			return err
		}
		return st.start(ctx, target)
	}
	n, err := dep.lookup(name)
	if err != nil {
		return err
	}
	return n.Start()
}

// Down stops every node and the links; it is idempotent and safe to call
// concurrently.
func (dep *deployment) Down(context.Context) error {
	dep.mu.Lock()
	if dep.down {
		dep.mu.Unlock()
		return nil
	}
	dep.down = true
	dep.mu.Unlock()
	dep.cancel()
	errs := make([]error, 0, len(dep.nodes))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, n := range dep.nodes {
		wg.Go(func() {
			if err := n.Stop(); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	errs = append(errs, dep.links.close())
	errs = append(errs, dep.closeStores()) // after the apps that use them
	if dep.dir != "" {
		errs = append(errs, os.RemoveAll(dep.dir))
	}
	return errors.Join(errs...)
}
