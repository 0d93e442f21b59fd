package lab

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/stickylab/stickylab/lab/internal/admin"
	"github.com/stickylab/stickylab/lab/internal/plan"
)

// replicationDelayer is a runtime that can delay a replica's replication
// link. The local runtime can; Docker's replication link is the primary's
// address itself until the lab has WAN links between datacenters.
type replicationDelayer interface {
	SetReplicationLatency(ctx context.Context, replica string, d time.Duration) error
}

// SetReplicationLatency delays the replication stream from the primary to
// dc's replica (redis.layout replicated) by d, one way, as a WAN of that
// latency would: a session written on the primary reaches dc's store d
// later. 0 removes the delay. It applies to what the primary sends from
// now on.
func (l *Lab) SetReplicationLatency(ctx context.Context, dc string, d time.Duration) error {
	if err := l.setReplicationLatency(ctx, dc, d); err != nil {
		return fmt.Errorf("set replication latency of %s: %w", dc, err)
	}
	return nil
}

func (l *Lab) setReplicationLatency(ctx context.Context, dc string, d time.Duration) error {
	if d < 0 {
		return fmt.Errorf("latency %s: must not be negative", d)
	}
	dep, err := l.live()
	if err != nil {
		return err
	}
	s, _, err := l.redisStore(dc)
	if err != nil {
		return err
	}
	if s.ReplicaOf == "" {
		return fmt.Errorf("%s's redis store %s is no replica (redis.layout %s)", dc, s.Name, l.plan.Topology.Redis.Layout)
	}
	rd, ok := dep.(replicationDelayer)
	if !ok {
		return fmt.Errorf("the %s runtime cannot delay replication yet: its replicas reach the primary directly, not over a WAN link", l.runtime)
	}
	if err := rd.SetReplicationLatency(ctx, s.Name, d); err != nil {
		return err
	}
	l.faultMu.Lock()
	defer l.faultMu.Unlock()
	if l.replLatency == nil {
		l.replLatency = map[string]time.Duration{}
	}
	l.replLatency[dc] = d
	return nil
}

// ReplicationLatency is the one-way latency SetReplicationLatency put on
// each replica datacenter's replication link (absent: none).
func (l *Lab) ReplicationLatency() map[string]time.Duration {
	l.faultMu.Lock()
	defer l.faultMu.Unlock()
	return maps.Clone(l.replLatency)
}

// clearReplicationLatency removes every delay SetReplicationLatency set
// (Reset).
func (l *Lab) clearReplicationLatency(ctx context.Context, _ plan.Deployment, _ *plan.Plan) error {
	for dc, d := range l.ReplicationLatency() {
		if d == 0 {
			continue
		}
		if err := l.setReplicationLatency(ctx, dc, 0); err != nil {
			return fmt.Errorf("%s: %w", dc, err)
		}
	}
	return nil
}

// WaitReplicated returns once every replica holds as many sessions as the
// primary, as the apps that read them report (GET /admin/sessions): what
// was written before the call has replicated, unless writes go on.
func (l *Lab) WaitReplicated(ctx context.Context) error {
	dep, err := l.live()
	if err != nil {
		return fmt.Errorf("wait replicated: %w", err)
	}
	r := l.plan.Topology.Redis
	if r == nil || r.Layout != "replicated" {
		return fmt.Errorf("wait replicated: the lab's sessions do not replicate (redis.layout is not replicated)")
	}
	if err := waitFor(ctx, faultTimeout, l.replicated(dep, r.Primary)); err != nil {
		return fmt.Errorf("wait replicated: %w", err)
	}
	return nil
}

// replicated holds when the first app of each datacenter counts as many
// sessions as the first app of the primary's datacenter.
func (l *Lab) replicated(dep plan.Deployment, primary string) condition {
	count := func(ctx context.Context, dc string) (int, error) {
		nodes, err := l.datacenter(dc)
		if err != nil || len(nodes) < 2 {
			return 0, fmt.Errorf("%s has no app: %v", dc, err)
		}
		u, err := dep.AdminURL(nodes[1].Name) // nodes[0] is the LB
		if err != nil {
			return 0, err
		}
		return admin.SessionCount(ctx, u)
	}
	return func(ctx context.Context) string {
		want, err := count(ctx, primary)
		if err != nil {
			return fmt.Sprintf("the primary's sessions cannot be counted: %v", err)
		}
		for _, dc := range l.datacenters() {
			n, err := count(ctx, dc)
			switch {
			case err != nil:
				return fmt.Sprintf("%s's sessions cannot be counted: %v", dc, err)
			case n != want:
				return fmt.Sprintf("%s's replica holds %d sessions, the primary %d", dc, n, want)
			}
		}
		return ""
	}
}
