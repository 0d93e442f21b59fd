package dockerrt

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/stickylab/stickylab/lab/internal/plan"
)

// deployment is a running plan on Docker.
type deployment struct {
	cli  *client.Client
	plan *plan.Plan
	tls  bool

	mu     sync.Mutex
	nodes  map[string]*node
	stores map[string]*testcontainers.DockerContainer // Redis stores by name
	down   bool

	created func(node string) // the driver's hook, may be nil
}

// node is one container and the host ports Docker gave it; they change when
// the container restarts.
type node struct {
	plan.Node
	ctr          *testcontainers.DockerContainer
	admin, front string // host ports of the admin port and (edge) the client port
}

func (dep *deployment) register(n plan.Node, c *testcontainers.DockerContainer) *node {
	nd := &node{Node: n, ctr: c}
	dep.mu.Lock()
	defer dep.mu.Unlock()
	dep.nodes[n.Name] = nd
	return nd
}

// lookup returns a started node, or an error naming what is wrong.
func (dep *deployment) lookup(name string) (*node, error) {
	if _, err := dep.plan.Node(name); err != nil {
		return nil, err
	}
	dep.mu.Lock()
	defer dep.mu.Unlock()
	if dep.down {
		return nil, fmt.Errorf("node %s: the lab is down", name)
	}
	nd := dep.nodes[name]
	if nd == nil || nd.ctr == nil {
		return nil, fmt.Errorf("node %s has no container", name)
	}
	return nd, nil
}

// refreshPorts reads the node's published ports from the engine.
func (dep *deployment) refreshPorts(ctx context.Context, nd *node) error {
	res, err := dep.cli.ContainerInspect(ctx, nd.ctr.GetContainerID(), client.ContainerInspectOptions{})
	if err != nil {
		return fmt.Errorf("inspect: %w", err)
	}
	if res.Container.NetworkSettings == nil {
		return errors.New("inspect: no network settings")
	}
	ports := res.Container.NetworkSettings.Ports
	hostPort := func(p string) string {
		for _, b := range ports[network.MustParsePort(p)] {
			if b.HostIP == loopback || !b.HostIP.IsValid() {
				return b.HostPort
			}
		}
		return ""
	}
	admin, front := hostPort(adminPort), ""
	if admin == "" {
		return fmt.Errorf("admin port %s is not published", adminPort)
	}
	if nd.Kind == plan.KindEdge {
		if front = hostPort(clientPort(dep.tls)); front == "" {
			return fmt.Errorf("client port %s is not published", clientPort(dep.tls))
		}
	}
	dep.mu.Lock()
	nd.admin, nd.front = admin, front
	dep.mu.Unlock()
	return nil
}

// EdgeURL is the edge's client URL on 127.0.0.1.
func (dep *deployment) EdgeURL() string {
	dep.mu.Lock()
	defer dep.mu.Unlock()
	nd := dep.nodes[plan.EdgeName]
	if nd == nil || nd.front == "" {
		return ""
	}
	scheme := "http"
	if dep.tls {
		scheme = "https"
	}
	return scheme + "://127.0.0.1:" + nd.front
}

// AdminURL is a node's admin API base URL on 127.0.0.1.
func (dep *deployment) AdminURL(name string) (string, error) {
	nd, err := dep.lookup(name)
	if err != nil {
		return "", err
	}
	dep.mu.Lock()
	defer dep.mu.Unlock()
	if nd.admin == "" {
		return "", fmt.Errorf("node %s: admin port not known (is it stopped?)", name)
	}
	return "http://127.0.0.1:" + nd.admin, nil
}

// Stop stops a node's or a Redis store's container: SIGTERM, SIGKILL
// after a second.
func (dep *deployment) Stop(ctx context.Context, name string) error {
	timeout := stopTimeout
	if c, err := dep.store(name); c != nil || err != nil {
		if err == nil {
			err = c.Stop(ctx, &timeout)
		}
		if err != nil {
			return fmt.Errorf("stop %s: %w", name, err)
		}
		return nil
	}
	nd, err := dep.lookup(name)
	if err != nil {
		return err
	}
	if err := nd.ctr.Stop(ctx, &timeout); err != nil {
		return fmt.Errorf("stop %s: %w", name, err)
	}
	dep.mu.Lock()
	nd.admin, nd.front = "", ""
	dep.mu.Unlock()
	return nil
}

// Start starts a stopped node again and returns once it answers /healthz;
// its host ports are read again, Docker may have changed them. A Redis
// store is reached by its alias only: it has no host port to read.
func (dep *deployment) Start(ctx context.Context, name string) error {
	if c, err := dep.store(name); c != nil || err != nil {
		if err == nil {
			err = c.Start(ctx)
		}
		if err != nil {
			return fmt.Errorf("start %s: %w", name, err)
		}
		return nil
	}
	nd, err := dep.lookup(name)
	if err != nil {
		return err
	}
	if err := nd.ctr.Start(ctx); err != nil {
		return fmt.Errorf("start %s: %w", name, withLogs(nd.ctr, err))
	}
	if err := dep.refreshPorts(ctx, nd); err != nil {
		return fmt.Errorf("start %s: %w", name, err)
	}
	return nil
}

// Down force-removes every container of the run at once, then its networks.
// It finds them by label, so it also removes what a failed Start left
// without a handle; calling it again finds nothing and returns nil.
func (dep *deployment) Down(ctx context.Context) error {
	err := removeRun(ctx, dep.cli, dep.plan.RunID)
	dep.mu.Lock()
	dep.down = true
	for _, nd := range dep.nodes {
		nd.admin, nd.front = "", ""
	}
	dep.mu.Unlock()
	if err != nil {
		return fmt.Errorf("down %s: %w", dep.plan.RunID, err)
	}
	return nil
}
