package lab

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/stickylab/stickylab/lab/internal/admin"
	"github.com/stickylab/stickylab/lab/internal/plan"
)

// SetReplicationLatency delays the replication stream from the primary to
// dc's replica (redis.layout replicated) by d, one way, as a WAN of that
// latency would: a Toxiproxy latency toxic on the replica's replication
// link (plan.ReplicationLink, "<dc>-replication"), so a session written on
// the primary reaches dc's store d later. 0 removes it. It takes effect at
// once, on the open replication connection too.
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
	s, _, err := l.redisStore(dc)
	if err != nil {
		return err
	}
	if s.ReplicaOf == "" {
		return fmt.Errorf("%s's redis store %s is no replica (redis.layout %s)", dc, s.Name, l.plan.Topology.Redis.Layout)
	}
	if err := l.linkLatency(ctx, plan.ReplicationLink(dc), d, 0); err != nil {
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

// clearReplicationLatency forgets the latencies SetReplicationLatency set
// (Reset: healing the links has removed their toxics).
func (l *Lab) clearReplicationLatency(context.Context, plan.Deployment, *plan.Plan) error {
	l.faultMu.Lock()
	defer l.faultMu.Unlock()
	l.replLatency = nil
	return nil
}

// WaitReplicated returns once every replica has applied every write its
// primary had taken when it was called, as the apps that read the replicas
// report it (GET /admin/replication: the two replication offsets). Writes
// made meanwhile do not hold it up.
func (l *Lab) WaitReplicated(ctx context.Context) error {
	dep, err := l.live()
	if err != nil {
		return fmt.Errorf("wait replicated: %w", err)
	}
	var conds []condition
	for _, n := range l.replicaReaders() {
		u, err := dep.AdminURL(n.Name)
		if err != nil {
			return fmt.Errorf("wait replicated: %w", err)
		}
		_, target, err := admin.Replication(ctx, u)
		if err != nil {
			return fmt.Errorf("wait replicated: %s: %w", n.Name, err)
		}
		conds = append(conds, replicaReached(u, n.Datacenter, target))
	}
	if len(conds) == 0 {
		return fmt.Errorf("wait replicated: no app of this lab reads a replica (redis.layout is not replicated)")
	}
	if err := waitFor(ctx, faultTimeout, all(conds...)); err != nil {
		return fmt.Errorf("wait replicated: %w", err)
	}
	return nil
}

// replicaReaders are the first app of each datacenter that reads a replica.
func (l *Lab) replicaReaders() []plan.Node {
	var out []plan.Node
	seen := map[string]bool{}
	for _, n := range l.plan.Nodes {
		if n.App != nil && n.App.WriteStore != n.App.Store && !seen[n.Datacenter] {
			seen[n.Datacenter] = true
			out = append(out, n)
		}
	}
	return out
}

// replicaReached holds when the replica the app at u reads has reached
// offset.
func replicaReached(u, dc string, offset int64) condition {
	return func(ctx context.Context) string {
		got, _, err := admin.Replication(ctx, u)
		switch {
		case err != nil:
			return fmt.Sprintf("%s's replica does not answer: %v", dc, err)
		case got < offset:
			return fmt.Sprintf("%s's replica is at offset %d, the primary was at %d", dc, got, offset)
		}
		return ""
	}
}
