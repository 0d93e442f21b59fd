package localrt

import (
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
	proc, dir, err := n.startHAProxy(main)
	if err != nil {
		admin.Close()
		return fmt.Errorf("start %s: %w", n.spec.Name, err)
	}
	shim, err := haproxy.NewShim(proc.cfg, proc.Runtime)
	if err != nil {
		proc.Stop()
		os.RemoveAll(dir)
		admin.Close()
		return fmt.Errorf("start %s: %w", n.spec.Name, err)
	}
	n.haproxy = haproxyNode{proc: proc.Process, dir: dir}
	n.servers = []*http.Server{newServer(shim)}
	go n.servers[0].Serve(admin)
	n.running = true
	return nil
}

// startedHAProxy is a running haproxy and the configuration it runs.
type startedHAProxy struct {
	*haproxy.Process
	cfg fakecdn.Config
}

func (n *node) startHAProxy(main net.Listener) (startedHAProxy, string, error) {
	cfg, err := fakecdn.ParseConfig(n.config)
	if err != nil {
		return startedHAProxy{}, "", err
	}
	cfg = cfg.WithDefaults()
	bin, err := haproxy.Binary()
	if err != nil {
		return startedHAProxy{}, "", err
	}
	f, err := main.(*net.TCPListener).File()
	if err != nil {
		return startedHAProxy{}, "", fmt.Errorf("hand %s to haproxy: %w", main.Addr(), err)
	}
	defer f.Close()
	dir, err := os.MkdirTemp("", "stickylab-haproxy-")
	if err != nil {
		return startedHAProxy{}, "", fmt.Errorf("haproxy work dir: %w", err)
	}
	p, err := haproxy.Start(n.health, haproxy.Spec{Bin: bin, Dir: dir, Config: cfg, Listener: f})
	if err != nil {
		os.RemoveAll(dir)
		return startedHAProxy{}, "", err
	}
	return startedHAProxy{Process: p, cfg: cfg}, dir, nil
}

// stop kills haproxy and removes its work directory; it is idempotent.
func (h *haproxyNode) stop() error {
	if h.proc == nil {
		return nil
	}
	h.proc.Stop()
	err := os.RemoveAll(h.dir)
	*h = haproxyNode{}
	return err
}
