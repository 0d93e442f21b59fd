// Package lab runs a stickylab topology: a CDN edge in front of datacenters,
// each a load balancer in front of fake login apps, on Docker or in-process.
// Up brings it up and waits until it is ready; the fault methods change it
// while it runs and return once the change has taken effect; Down removes it.
package lab

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/stickylab/stickylab/lab/internal/plan"
	"github.com/stickylab/stickylab/lab/topology"
)

// Lab is a running topology. Its methods are safe for concurrent use.
type Lab struct {
	plan    *plan.Plan
	runtime string
	logf    func(string, ...any)
	dir     string // the run's temp dir: the CA file
	caFile  string
	caPool  *x509.CertPool
	edgeURL string

	mu   sync.Mutex // guards dep and down; held for the whole of Down
	dep  plan.Deployment
	down bool

	faultMu     sync.Mutex
	partitioned map[string]bool // datacenters PartitionDatacenter cut off
	stopped     map[string]bool // datacenters StopDatacenter stopped
	// redisStopped are the Redis stores StopRedis stopped, by store name.
	redisStopped map[string]bool
	// replLatency is the latency SetReplicationLatency put on each
	// replica datacenter's replication link.
	replLatency map[string]time.Duration
}

// EdgeURL is where clients reach the edge: https://127.0.0.1:PORT, or http
// when the topology turns TLS off.
func (l *Lab) EdgeURL() string { return l.edgeURL }

// CAFile is the path of the lab's CA certificate (PEM), "" without TLS. It is
// removed by Down.
func (l *Lab) CAFile() string { return l.caFile }

// CAPool holds the lab's CA, nil without TLS.
func (l *Lab) CAPool() *x509.CertPool { return l.caPool }

// Runtime is "docker" or "local".
func (l *Lab) Runtime() string { return l.runtime }

// RunID names this run in labels, container names and the temp dir.
func (l *Lab) RunID() string { return l.plan.RunID }

// Topology is the topology that runs: the one Up (or the last Reset) was
// given, defaults applied, and the seed actually used, so that the run can be
// reproduced.
func (l *Lab) Topology() topology.Topology { return l.plan.Topology }

// AdminURL is the admin API of "edge", of a datacenter's LB ("dc-east") or of
// an app instance ("dc-east-1").
func (l *Lab) AdminURL(target string) (string, error) {
	dep, err := l.live()
	if err != nil {
		return "", err
	}
	node, err := l.targetNode(target)
	if err != nil {
		return "", err
	}
	return dep.AdminURL(node)
}

// live returns the deployment of a lab that is up.
func (l *Lab) live() (plan.Deployment, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.down || l.dep == nil {
		return nil, fmt.Errorf("lab %s is down", l.plan.RunID)
	}
	return l.dep, nil
}

// Down removes every container, network, listener and temp file of the lab.
// It is idempotent, safe to call concurrently (later callers wait for the
// first), on a nil Lab and on the Lab a failed Up returned.
func (l *Lab) Down(ctx context.Context) error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.down {
		return nil
	}
	// An interrupted test or a Ctrl-C cancels ctx exactly when cleanup must
	// run: finish anyway, within a bound of its own.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), downTimeout)
	defer cancel()
	var errs []error
	if l.dep != nil {
		errs = append(errs, l.dep.Down(ctx))
	}
	if l.dir != "" {
		errs = append(errs, os.RemoveAll(l.dir))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("lab down %s: %w", l.plan.RunID, err)
	}
	l.down = true
	l.logf("lab %s down", l.plan.RunID)
	return nil
}
