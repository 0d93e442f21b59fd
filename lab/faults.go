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
// and what was still not so (after 10s unless ctx ends first).

// StopDatacenter stops a datacenter's LB and instances (their in-memory
// sessions are lost) and returns once the edge reports it unhealthy.
func (l *Lab) StopDatacenter(ctx context.Context, dc string) error {
	return l.datacenterFault(ctx, "stop datacenter", dc, func(dep plan.Deployment, nodes []plan.Node) error {
		l.setStopped(dc, true)
		return parallel(nodes, func(n plan.Node) error { return dep.Stop(ctx, n.Name) })
	}, false)
}

// StartDatacenter starts a stopped datacenter again and returns once the
// edge reports it healthy (unless it is partitioned) and its LB reports
// every instance healthy.
func (l *Lab) StartDatacenter(ctx context.Context, dc string) error {
	return l.datacenterFault(ctx, "start datacenter", dc, func(dep plan.Deployment, nodes []plan.Node) error {
		if err := parallel(nodes, func(n plan.Node) error { return dep.Start(ctx, n.Name) }); err != nil {
			return err
		}
		l.setStopped(dc, false)
		return nil
	}, true)
}

// PartitionDatacenter cuts a datacenter's LB off the wan, so the edge cannot
// reach it, and returns once the edge reports it unhealthy.
func (l *Lab) PartitionDatacenter(ctx context.Context, dc string) error {
	return l.datacenterFault(ctx, "partition datacenter", dc, func(dep plan.Deployment, _ []plan.Node) error {
		l.setPartitioned(dc, true)
		return dep.Disconnect(ctx, plan.LBName(dc), plan.WAN)
	}, false)
}

// HealDatacenter undoes PartitionDatacenter and returns once the edge
// reports the datacenter healthy.
func (l *Lab) HealDatacenter(ctx context.Context, dc string) error {
	return l.datacenterFault(ctx, "heal datacenter", dc, func(dep plan.Deployment, _ []plan.Node) error {
		if err := dep.Connect(ctx, plan.LBName(dc), plan.WAN); err != nil {
			return err
		}
		l.setPartitioned(dc, false)
		return nil
	}, true)
}

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

// KillInstance stops an app instance (its in-memory sessions are lost) and
// returns once its datacenter's LB reports it unhealthy.
func (l *Lab) KillInstance(ctx context.Context, instance string) error {
	return l.instanceFault(ctx, "kill instance", instance, plan.Deployment.Stop, false)
}

// StartInstance starts a stopped app instance and returns once its
// datacenter's LB reports it healthy and, unless the datacenter is
// partitioned, the edge reports the datacenter healthy (it was not when this
// was its last instance).
func (l *Lab) StartInstance(ctx context.Context, instance string) error {
	return l.instanceFault(ctx, "start instance", instance, plan.Deployment.Start, true)
}

// RestartInstance kills and starts an app instance: its in-memory sessions
// are lost, so users it had logged in are sent back to /login.
func (l *Lab) RestartInstance(ctx context.Context, instance string) error {
	if err := l.KillInstance(ctx, instance); err != nil {
		return fmt.Errorf("restart: %w", err)
	}
	if err := l.StartInstance(ctx, instance); err != nil {
		return fmt.Errorf("restart: %w", err)
	}
	return nil
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

// FlushSessions drops every session of an app instance, as an app pool
// recycle would, without stopping it.
func (l *Lab) FlushSessions(ctx context.Context, instance string) error {
	u, err := l.instanceAdmin(instance)
	if err == nil {
		_, err = admin.FlushSessions(ctx, u)
	}
	if err != nil {
		return fmt.Errorf("flush sessions of %s: %w", instance, err)
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
