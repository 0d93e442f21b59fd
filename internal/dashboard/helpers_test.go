package dashboard_test

import (
	"context"
	"testing"

	"github.com/stickylab/stickylab/internal/browsertest"
	"github.com/stickylab/stickylab/internal/dashboard"
	"github.com/stickylab/stickylab/lab"
	"github.com/stickylab/stickylab/lab/topology"
)

// testToken stands for the run's control token.
const testToken = "0123456789abcdef0123456789abcdef"

// upDashboard brings the incident's topology up on the local runtime over
// plain HTTP and serves its dashboard; both go away when the test ends.
func upDashboard(t *testing.T) (*lab.Lab, *dashboard.Server) {
	t.Helper()
	l := browsertest.UpLocal(t, topology.Default())
	d, err := dashboard.Start(dashboard.Config{Lab: l, Token: testToken, Perform: perform(l), Logf: t.Logf})
	if err != nil {
		t.Fatalf("start the dashboard: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return l, d
}

// perform stands for `up`'s fault table (internal/cli), which the
// dashboard gets from it.
func perform(l *lab.Lab) dashboard.PerformFunc {
	faults := map[string]func(*lab.Lab, context.Context, string) error{
		"stop": (*lab.Lab).StopDatacenter, "start": (*lab.Lab).StartDatacenter,
		"partition": (*lab.Lab).PartitionDatacenter, "heal": (*lab.Lab).HealDatacenter,
	}
	return func(ctx context.Context, action, target string) error { return faults[action](l, ctx, target) }
}

// edgePersistence reads the edge's persistence back from its admin API.
func edgePersistence(t *testing.T, l *lab.Lab) string {
	t.Helper()
	st, err := l.State(t.Context(), "edge")
	if err != nil {
		t.Fatalf("read the edge's state: %v", err)
	}
	return string(st.Config.Persistence)
}
