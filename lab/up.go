package lab

import (
	"context"
	"crypto/tls"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/stickylab/stickylab/lab/internal/pki"
	"github.com/stickylab/stickylab/lab/internal/plan"
	"github.com/stickylab/stickylab/lab/topology"
)

// downTimeout bounds a teardown — Down, or the one a failed Up does — which
// runs to the end even when its caller's ctx is cancelled.
const downTimeout = time.Minute

// Up applies t's defaults, validates it (nothing is started when that
// fails), picks the runtime, starts every node and returns once the edge
// reports every datacenter healthy, every datacenter LB reports its
// instances healthy and the edge accepts clients.
//
// On an error after the runtime started, Up has already removed everything
// and returns the Lab with the error (as testcontainers-go does): Down on it
// is a no-op, so a cleanup registered before checking the error is safe.
func Up(ctx context.Context, t topology.Topology, opts ...Option) (*Lab, error) {
	o, err := newOptions(opts)
	if err != nil {
		return nil, fmt.Errorf("lab up: %w", err)
	}
	p, err := plan.New(t)
	if err != nil {
		return nil, fmt.Errorf("lab up: %w", err)
	}
	name, driver, err := pickRuntime(ctx, o)
	if err != nil {
		return nil, fmt.Errorf("lab up: %w", err)
	}
	for _, n := range p.Topology.Notices {
		o.logf("topology: %s", n)
	}
	began := time.Now()
	l := &Lab{plan: p, runtime: name, logf: o.logf}
	files, err := l.makeTLS()
	if err != nil {
		return l, l.fail(ctx, fmt.Errorf("lab up: %w", err))
	}
	dep, err := driver.Start(ctx, p, files)
	l.mu.Lock()
	l.dep = dep // Down removes whatever Start left, even on error
	l.mu.Unlock()
	if err != nil {
		return l, l.fail(ctx, fmt.Errorf("lab up: start on %s: %w", name, err))
	}
	l.edgeURL = dep.EdgeURL()
	if err := waitFor(ctx, upTimeout, l.ready(dep)); err != nil {
		return l, l.fail(ctx, fmt.Errorf("lab up: wait for edge: %w", err))
	}
	l.logf("lab %s up on %s in %s: edge %s", p.RunID, name, time.Since(began).Round(time.Millisecond), l.edgeURL)
	return l, nil
}

// fail tears the lab down and returns err, joined with any teardown error.
func (l *Lab) fail(ctx context.Context, err error) error {
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), downTimeout)
	defer cancel()
	if derr := l.Down(dctx); derr != nil {
		return fmt.Errorf("%w (and %v)", err, derr)
	}
	return err
}

// makeTLS creates the run's temp dir, and with TLS the CA (written there)
// and the edge's certificate.
func (l *Lab) makeTLS() (plan.TLSFiles, error) {
	dir, err := os.MkdirTemp("", "stickylab-"+l.plan.RunID)
	if err != nil {
		return plan.TLSFiles{}, fmt.Errorf("temp dir: %w", err)
	}
	l.dir = dir
	if !l.plan.TLS() {
		return plan.TLSFiles{}, nil
	}
	ca, err := pki.NewCA(l.plan.RunID)
	if err != nil {
		return plan.TLSFiles{}, err
	}
	cert, key, err := ca.Leaf("127.0.0.1", "localhost", plan.EdgeName)
	if err != nil {
		return plan.TLSFiles{}, err
	}
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, ca.CertPEM, 0o644); err != nil {
		return plan.TLSFiles{}, fmt.Errorf("write CA: %w", err)
	}
	l.caFile, l.caPool = caFile, ca.Pool()
	return plan.TLSFiles{CertPEM: cert, KeyPEM: key}, nil
}

// ready holds when every node answers its admin API, every LB reports every
// member healthy and the edge accepts clients. Members start out healthy
// until checks fail, so the admin probes are what prove the apps are up.
func (l *Lab) ready(dep plan.Deployment) condition {
	conds := []condition{adminAnswers(dep, l.plan.Nodes), membersHealthy(dep, plan.EdgeName, "edge")}
	for _, dc := range l.plan.Topology.Datacenters {
		conds = append(conds, membersHealthy(dep, plan.LBName(dc.Name), dc.Name+" LB"))
	}
	var cfg *tls.Config
	if l.caPool != nil {
		cfg = &tls.Config{RootCAs: l.caPool, MinVersion: tls.VersionTLS12}
	}
	return all(append(conds, edgeAccepts(l.edgeURL, cfg))...)
}
