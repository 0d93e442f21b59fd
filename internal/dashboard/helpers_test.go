package dashboard_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stickylab/stickylab/internal/dashboard"
	"github.com/stickylab/stickylab/lab"
	"github.com/stickylab/stickylab/lab/topology"
)

// labTimeout bounds bringing the local lab up or down.
const labTimeout = 2 * time.Minute

// testToken stands for the run's control token.
const testToken = "0123456789abcdef0123456789abcdef"

// upDashboard brings the incident's topology up on the local runtime over
// plain HTTP and serves its dashboard; both go away when the test ends.
func upDashboard(t *testing.T) (*lab.Lab, *dashboard.Server) {
	t.Helper()
	ctx := t.Context()
	topo := topology.Default()
	topo.Edge.TLS = topology.Bool(false)
	upCtx, cancel := context.WithTimeout(ctx, labTimeout)
	defer cancel()
	l, err := lab.Up(upCtx, topo, lab.WithRuntime("local"), lab.WithLogf(t.Logf))
	t.Cleanup(func() {
		if l == nil {
			return
		}
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), labTimeout)
		defer cancel()
		if err := l.Down(dctx); err != nil {
			t.Errorf("lab down: %v", err)
		}
	})
	if err != nil {
		t.Fatalf("lab up: %v", err)
	}
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
	p, _ := st.Config["persistence"].(string)
	return p
}

// moduleRoot is the folder holding go.mod, for artifacts/ and docs/img/.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test's folder")
		}
		dir = parent
	}
}
