package lab

import (
	"fmt"
	"strings"

	"github.com/stickylab/stickylab/lab/internal/plan"
)

// Targets are named as users think of them: "edge", a datacenter ("dc-east",
// meaning its LB for LB operations), an instance ("dc-east-1"). These
// functions turn them into plan nodes, or name what is valid.

// targetNode resolves "edge", a datacenter or an instance to its node.
func (l *Lab) targetNode(target string) (string, error) {
	if node, err := l.lbNode(target); err == nil {
		return node, nil
	}
	if n, err := l.instance(target); err == nil {
		return n.Name, nil
	}
	valid := append([]string{plan.EdgeName}, l.datacenters()...)
	valid = append(valid, l.instances()...)
	return "", fmt.Errorf("no target %q in this lab (have %s)", target, strings.Join(valid, ", "))
}

// lbNode resolves "edge" or a datacenter to its load balancer's node.
func (l *Lab) lbNode(target string) (string, error) {
	if target == plan.EdgeName {
		return plan.EdgeName, nil
	}
	if _, ok := l.plan.Topology.Datacenter(target); ok {
		return plan.LBName(target), nil
	}
	valid := append([]string{plan.EdgeName}, l.datacenters()...)
	return "", fmt.Errorf("no load balancer %q in this lab (have %s)", target, strings.Join(valid, ", "))
}

// datacenter returns a datacenter's nodes, its LB first.
func (l *Lab) datacenter(dc string) ([]plan.Node, error) {
	if _, ok := l.plan.Topology.Datacenter(dc); !ok {
		return nil, fmt.Errorf("no datacenter %q in this lab (have %s)", dc, strings.Join(l.datacenters(), ", "))
	}
	return l.plan.DatacenterNodes(dc)
}

// instance returns an app instance's node.
func (l *Lab) instance(name string) (plan.Node, error) {
	for _, n := range l.plan.Nodes {
		if n.Kind == plan.KindApp && n.Name == name {
			return n, nil
		}
	}
	return plan.Node{}, fmt.Errorf("no instance %q in this lab (have %s)", name, strings.Join(l.instances(), ", "))
}

func (l *Lab) datacenters() []string {
	var names []string
	for _, dc := range l.plan.Topology.Datacenters {
		names = append(names, dc.Name)
	}
	return names
}

func (l *Lab) instances() []string {
	var names []string
	for _, n := range l.plan.Nodes {
		if n.Kind == plan.KindApp {
			names = append(names, n.Name)
		}
	}
	return names
}
