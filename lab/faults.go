package lab

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/stickylab/stickylab/lab/internal/admin"
	"github.com/stickylab/stickylab/lab/internal/plan"
)

// Faults change the running lab and return once the change has taken effect,
// as the lab's own admin APIs report it, or with an error naming the target
// and what was still not so (after faultTimeout unless ctx ends first).
// Each fault is its own file, fault_<name>.go, registered in fault.go; this
// file holds what they share.

// datacenterFault applies act to dc's nodes, then waits until the edge
// reports dc healthy (or not), and when healthy, dc's LB reports its
// instances healthy too.
func (l *Lab) datacenterFault(ctx context.Context, op, dc string, act func(plan.Deployment, []plan.Node) error, healthy bool) error {
	dep, nodes, err := l.dcNodes(dc)
	if err != nil {
		return fmt.Errorf("%s %s: %w", op, dc, err)
	}
	if err := act(dep, nodes); err != nil {
		return fmt.Errorf("%s %s: %w", op, dc, err)
	}
	cond := memberHealth(dep, plan.EdgeName, "edge", dc, "it", healthy)
	if healthy {
		lb := membersHealthy(dep, plan.LBName(dc), dc+" LB")
		cond = all(cond, lb)
		if l.isPartitioned(dc) {
			cond = lb // the edge cannot see it until it is healed
		}
	}
	if err := waitFor(ctx, faultTimeout, cond); err != nil {
		return fmt.Errorf("%s %s: %w", op, dc, err)
	}
	return nil
}

func (l *Lab) dcNodes(dc string) (plan.Deployment, []plan.Node, error) {
	dep, err := l.live()
	if err != nil {
		return nil, nil, err
	}
	nodes, err := l.datacenter(dc)
	return dep, nodes, err
}

func (l *Lab) instanceFault(ctx context.Context, op, instance string, act func(plan.Deployment, context.Context, string) error, healthy bool) error {
	dep, err := l.live()
	if err != nil {
		return fmt.Errorf("%s %s: %w", op, instance, err)
	}
	n, err := l.instance(instance)
	if err != nil {
		return fmt.Errorf("%s %s: %w", op, instance, err)
	}
	if err := act(dep, ctx, instance); err != nil {
		return fmt.Errorf("%s %s: %w", op, instance, err)
	}
	cond := memberHealth(dep, plan.LBName(n.Datacenter), n.Datacenter+" LB", instance, "it", healthy)
	if healthy && !l.isPartitioned(n.Datacenter) {
		cond = all(cond, memberHealth(dep, plan.EdgeName, "edge", n.Datacenter, n.Datacenter, true))
	}
	if err := waitFor(ctx, faultTimeout, cond); err != nil {
		return fmt.Errorf("%s %s: %w", op, instance, err)
	}
	return nil
}

// SessionCount is the number of live sessions an app instance holds.
func (l *Lab) SessionCount(ctx context.Context, instance string) (int, error) {
	u, err := l.instanceAdmin(instance)
	if err != nil {
		return 0, fmt.Errorf("session count of %s: %w", instance, err)
	}
	n, err := admin.SessionCount(ctx, u)
	if err != nil {
		return 0, fmt.Errorf("session count of %s: %w", instance, err)
	}
	return n, nil
}

func (l *Lab) instanceAdmin(instance string) (string, error) {
	dep, err := l.live()
	if err != nil {
		return "", err
	}
	if _, err := l.instance(instance); err != nil {
		return "", err
	}
	return dep.AdminURL(instance)
}

// setPartitioned records a partition the lab made, so that later faults do
// not wait for the edge to see a datacenter it cannot reach.
func (l *Lab) setPartitioned(dc string, cut bool) {
	l.faultMu.Lock()
	defer l.faultMu.Unlock()
	if l.partitioned == nil {
		l.partitioned = map[string]bool{}
	}
	l.partitioned[dc] = cut
}

// setStopped records a datacenter the lab stopped (DatacenterFault).
func (l *Lab) setStopped(dc string, stopped bool) {
	l.faultMu.Lock()
	defer l.faultMu.Unlock()
	if l.stopped == nil {
		l.stopped = map[string]bool{}
	}
	l.stopped[dc] = stopped
}

func (l *Lab) isPartitioned(dc string) bool {
	l.faultMu.Lock()
	defer l.faultMu.Unlock()
	return l.partitioned[dc]
}

// parallel runs fn for every node at once and joins the errors.
func parallel(nodes []plan.Node, fn func(plan.Node) error) error {
	errs := make([]error, len(nodes))
	var wg sync.WaitGroup
	for i, n := range nodes {
		wg.Go(func() { errs[i] = fn(n) })
	}
	wg.Wait()
	return errors.Join(errs...)
}
