package dashboard_test

import (
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

// perform is what `up` gives the dashboard: the lab's fault registry.
func perform(l *lab.Lab) dashboard.PerformFunc { return l.Perform }

// edgePersistence reads the edge's persistence back from its admin API.
func edgePersistence(t *testing.T, l *lab.Lab) string {
	t.Helper()
	st, err := l.State(t.Context(), "edge")
	if err != nil {
		t.Fatalf("read the edge's state: %v", err)
	}
	return string(st.Config.Persistence)
}
