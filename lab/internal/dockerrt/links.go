package dockerrt

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/stickylab/stickylab/lab/internal/admin"
	"github.com/stickylab/stickylab/lab/internal/plan"
)

// startLinks runs the run's Toxiproxy server (`stickylab toxiproxy`, from
// the lab's image) on every network of the run, under the alias
// plan.ToxiproxyName, its API published on 127.0.0.1, and creates one proxy
// per link of the plan: listening on the link's port, forwarding to its To
// node by alias (resolved at every connection, so a restarted node is found
// again).
func (dep *deployment) startLinks(ctx context.Context, image string) error {
	n := plan.Node{Name: plan.ToxiproxyName}
	s := spec{Image: image, Role: "toxiproxy", Ports: []string{adminPort},
		Cmd: []string{"--addr", fmt.Sprintf(":%d", plan.PortAdmin), "--admin-hosts", n.Name}}
	for _, logical := range dep.logicalNetworks() {
		s.Networks = append(s.Networks, networkName(dep.plan.RunID, logical))
	}
	if err := dep.startNode(ctx, n, s); err != nil {
		return fmt.Errorf("start %s: %w", n.Name, err)
	}
	api := dep.LinksURL()
	for _, l := range dep.plan.Links {
		if _, err := admin.CreateLink(ctx, api, l.Name, fmt.Sprintf(":%d", l.Listen), l.Upstream()); err != nil {
			return fmt.Errorf("link %s: %w", l.Name, err)
		}
	}
	return nil
}

// LinksURL is the Toxiproxy container's API on 127.0.0.1.
func (dep *deployment) LinksURL() string {
	dep.mu.Lock()
	defer dep.mu.Unlock()
	if nd := dep.nodes[plan.ToxiproxyName]; nd != nil && nd.admin != "" {
		return "http://127.0.0.1:" + nd.admin
	}
	return ""
}

// logicalNetworks are the run's networks: wan and one per datacenter.
func (dep *deployment) logicalNetworks() []string {
	set := map[string]bool{}
	for _, n := range dep.plan.Nodes {
		for _, logical := range n.Networks {
			set[logical] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}
