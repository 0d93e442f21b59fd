// Package localrt is the lab's local runtime: every node of a plan runs
// in-process, fakeapp and fakecdn handlers on their own 127.0.0.1 listeners.
// The edge reaches each datacenter LB through a WAN link, a proxy of an
// in-process Toxiproxy server, so that a partition or a slow link can be
// simulated without a network namespace.
package localrt

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/stickylab/stickylab/lab/internal/plan"
)

// New returns the local driver; logf (may be nil) hears what it started.
func New(logf func(format string, args ...any)) plan.Driver {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	return driver{logf: logf}
}

type driver struct{ logf func(string, ...any) }

// Start opens every listener first, since member URLs are the listeners'
// addresses, then renders the LB configurations and serves every node. On
// error it has closed whatever it opened.
func (d driver) Start(ctx context.Context, p *plan.Plan, files plan.TLSFiles) (plan.Deployment, error) {
	if p == nil || len(p.Nodes) == 0 {
		return nil, errors.New("local runtime: empty plan")
	}
	began := time.Now()
	health, cancel := context.WithCancel(context.Background()) // outlives Start's ctx, ends with Down
	dep := &deployment{plan: p, cancel: cancel, nodes: map[string]*node{}}
	err := dep.makeDir()
	if err == nil {
		err = dep.startStores(ctx, d.logf)
	}
	if err == nil {
		err = dep.up(ctx, health, files, d.logf)
	}
	if err != nil {
		return nil, errors.Join(fmt.Errorf("local runtime: %w", err), dep.Down(context.WithoutCancel(ctx)))
	}
	d.logf("local runtime: %d nodes up in %s, edge at %s", len(p.Nodes), time.Since(began).Round(time.Microsecond), dep.EdgeURL())
	return dep, nil
}

func (dep *deployment) up(ctx context.Context, health context.Context, files plan.TLSFiles, logf func(string, ...any)) error {
	edgeTLS, err := tlsConfig(dep.plan, files)
	if err != nil {
		return err
	}
	lns, err := dep.listen()
	if err != nil {
		return err
	}
	if err := dep.startLinks(); err != nil {
		closeAll(lns)
		return err
	}
	if err := dep.startReplicas(ctx, logf); err != nil { // redis.go
		closeAll(lns)
		return err
	}
	for i, n := range dep.plan.Nodes {
		nd := dep.nodes[n.Name]
		nd.health = health
		if n.Kind == plan.KindEdge {
			nd.tls = edgeTLS
		}
		nd.stateFile = filepath.Join(dep.dir, n.Name+".state.json")
		if n.App != nil {
			nd.sessions = dep.sessionsOf(n.App)
		}
		if n.LB != nil {
			if nd.config, err = n.LB.Config(dep.urlFrom(n.Name)); err != nil {
				closeAll(lns[2*i:])
				return err
			}
		}
		if err := ctx.Err(); err != nil {
			closeAll(lns[2*i:])
			return err
		}
		if err := nd.serve(lns[2*i], lns[2*i+1]); err != nil {
			closeAll(lns[2*i+2:])
			return err
		}
	}
	return nil
}

// listen opens every node's client and admin listeners (two per node, in
// plan order).
func (dep *deployment) listen() ([]net.Listener, error) {
	var lns []net.Listener
	for _, n := range dep.plan.Nodes {
		main, err := listenAny()
		if err != nil {
			closeAll(lns)
			return nil, fmt.Errorf("%s: %w", n.Name, err)
		}
		admin, err := listenAny()
		if err != nil {
			closeAll(append(lns, main))
			return nil, fmt.Errorf("%s admin: %w", n.Name, err)
		}
		lns = append(lns, main, admin)
		dep.nodes[n.Name] = &node{spec: n, addr: main.Addr().String(), adminAddr: admin.Addr().String()}
	}
	return lns, nil
}

func tlsConfig(p *plan.Plan, files plan.TLSFiles) (*tls.Config, error) {
	if !p.TLS() {
		return nil, nil
	}
	if len(files.CertPEM) == 0 || len(files.KeyPEM) == 0 {
		return nil, errors.New("the edge serves TLS but no certificate and key were given")
	}
	cert, err := tls.X509KeyPair(files.CertPEM, files.KeyPEM)
	if err != nil {
		return nil, fmt.Errorf("edge certificate: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

func closeAll(lns []net.Listener) {
	for _, ln := range lns {
		ln.Close()
	}
}

// makeDir makes the directory of the LBs' state files: a stopped and
// started LB finds its saved configuration there, as fakecdn in a stopped
// and started container finds it in its writable layer.
func (dep *deployment) makeDir() error {
	dir, err := os.MkdirTemp("", "stickylab-local-"+dep.plan.RunID+"-")
	if err != nil {
		return fmt.Errorf("state directory: %w", err)
	}
	dep.dir = dir
	return nil
}
