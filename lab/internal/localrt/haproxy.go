package localrt

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"

	"github.com/stickylab/stickylab/fakecdn"
	"github.com/stickylab/stickylab/internal/haproxy"
)

// haproxyNode is the part of a node an HAProxy datacenter LB adds: the
// haproxy child and its work directory, both gone once stopped.
type haproxyNode struct {
	proc *haproxy.Process
	dir  string
}

// isHAProxy reports whether the node is a datacenter LB on HAProxy.
func (n *node) isHAProxy() bool { return n.spec.LB != nil && n.spec.LB.Tier.HAProxy() }

// serveHAProxy starts haproxy on the client listener, handed over as a file
// so that the address stays the one members and links know, and serves the
// admin shim on admin; n.mu is held or n is not shared yet. On error both
// listeners are closed and no child is left.
func (n *node) serveHAProxy(main, admin net.Listener) error {
	defer main.Close() // haproxy holds its own copy
	cfg, err := fakecdn.ParseConfig(n.config)
	if err == nil {
		cfg = cfg.WithDefaults()
		err = n.haproxy.start(n.health, cfg, main)
	}
	var shim http.Handler
	if err == nil {
		shim, err = haproxy.NewShim(cfg, n.haproxy.proc.Runtime)
	}
	if err != nil {
		admin.Close()
		return errors.Join(fmt.Errorf("start %s: %w", n.spec.Name, err), n.haproxy.stop())
	}
	n.servers = []server{newServer(shim)}
	go n.servers[0].Serve(admin)
	n.running = true
	return nil
}

// start runs the host's haproxy for cfg on main, in a work directory of its
// own.
func (h *haproxyNode) start(ctx context.Context, cfg fakecdn.Config, main net.Listener) error {
	bin, err := haproxy.Binary()
	if err != nil {
		return err
	}
	f, err := main.(*net.TCPListener).File()
	if err != nil {
		return fmt.Errorf("hand %s to haproxy: %w", main.Addr(), err)
	}
	defer f.Close()
	if h.dir, err = os.MkdirTemp("", "stickylab-haproxy-"); err != nil {
		return fmt.Errorf("haproxy work dir: %w", err)
	}
	h.proc, err = haproxy.Start(ctx, haproxy.Spec{Bin: bin, Dir: h.dir, Config: cfg, Listener: f})
	return err
}

// stop kills haproxy and removes its work directory; it is idempotent.
func (h *haproxyNode) stop() error {
	if h.proc != nil {
		h.proc.Stop()
	}
	var err error
	if h.dir != "" {
		err = os.RemoveAll(h.dir)
	}
	*h = haproxyNode{}
	return err
}
