package localrt

import (
	"fmt"
	"net/http"

	"github.com/Shopify/toxiproxy/v2"

	"github.com/stickylab/stickylab/internal/toxiserver"
)

// links is the run's Toxiproxy server, in-process: every link of the plan is
// one of its proxies on a loopback port, and its REST API (the one the
// Docker runtime's toxiproxy container serves) answers on 127.0.0.1 for the
// lab's faults.
type links struct {
	server *toxiproxy.ApiServer
	api    *http.Server
	url    string            // http://127.0.0.1:port
	addrs  map[string]string // link name → 127.0.0.1:port it listens on
}

// startLinks starts the Toxiproxy server and one proxy per link of the
// plan, forwarding to the address of its To node. On error, whatever it
// started is left in dep.links for Down.
func (dep *deployment) startLinks() error {
	l := &links{server: toxiserver.New(), addrs: map[string]string{}}
	dep.links = l
	h, err := toxiserver.Handler(l.server)
	if err != nil {
		return err
	}
	ln, err := listenAny()
	if err != nil {
		return fmt.Errorf("toxiproxy API: %w", err)
	}
	l.url = "http://" + ln.Addr().String()
	l.api = newServer(h)
	go l.api.Serve(ln)
	for _, link := range dep.plan.Links {
		up, err := dep.addrOf(link.To)
		if err != nil {
			return fmt.Errorf("link %s: %w", link.Name, err)
		}
		px := toxiproxy.NewProxy(l.server, link.Name, "127.0.0.1:0", up)
		if err := l.server.Collection.Add(px, true); err != nil {
			return fmt.Errorf("link %s to %s: %w", link.Name, up, err)
		}
		l.addrs[link.Name] = px.Listen // the address it listens on, once started
	}
	return nil
}

// addrOf is the loopback address of a node's client port or of a store.
func (dep *deployment) addrOf(name string) (string, error) {
	if n, ok := dep.nodes[name]; ok {
		return n.addr, nil
	}
	if s, ok := dep.stores[name]; ok {
		return s.addr, nil
	}
	return "", fmt.Errorf("no node or store %q to link to", name)
}

// LinkAddr is where a link's From node reaches its To node: the loopback
// address the link's proxy listens on.
func (dep *deployment) LinkAddr(name string) (string, error) {
	if dep.links == nil {
		return "", fmt.Errorf("no link %q: the links are not started", name)
	}
	addr, ok := dep.links.addrs[name]
	if !ok {
		return "", fmt.Errorf("no link %q in this lab", name)
	}
	return addr, nil
}

// LinksURL is the in-process Toxiproxy server's API.
func (dep *deployment) LinksURL() string { return dep.links.url }

// urlFrom maps the member nodes of node from to the URLs it reaches them at:
// through a link when one carries from's traffic to it, directly otherwise.
func (dep *deployment) urlFrom(from string) func(node string) string {
	return func(node string) string {
		if l, ok := dep.plan.Route(from, node); ok {
			return "http://" + dep.links.addrs[l.Name]
		}
		return "http://" + dep.nodes[node].addr
	}
}

// close stops every proxy, then the API.
func (l *links) close() error {
	if l == nil {
		return nil
	}
	err := toxiserver.Close(l.server)
	if l.api != nil {
		if cerr := l.api.Close(); err == nil {
			err = cerr
		}
	}
	return err
}
