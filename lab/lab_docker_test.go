package lab_test

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/internal/testenv"
	"github.com/stickylab/stickylab/lab"
	"github.com/stickylab/stickylab/lab/internal/dockerrt"
	"github.com/stickylab/stickylab/lab/topology"
)

// dockerTimeout covers building the images on a cold cache.
const dockerTimeout = 5 * time.Minute

func TestTheDockerRuntimeRunsTheSmoke(t *testing.T) {
	if testing.Short() {
		testenv.Skip(t, testenv.RequireDocker, "docker smoke: skipped with -short")
	}
	if err := dockerrt.Available(t.Context()); err != nil {
		testenv.Skip(t, testenv.RequireDocker, "no Docker engine: %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), dockerTimeout)
	defer cancel()
	topo := topology.Default()
	topo.Seed = 42
	l, err := lab.Up(ctx, topo, lab.WithRuntime("docker"), lab.WithLogf(t.Logf))
	t.Cleanup(func() { _ = l.Down(context.Background()) })
	if err != nil {
		t.Fatalf("up: %v", err)
	}
	if l.Runtime() != "docker" {
		t.Fatalf("runtime %q", l.Runtime())
	}
	u := newUser(t, l)
	ok := u.login()
	t.Logf("login ok=%v via %v, failures %v", ok, u.datacenters(), u.failures())
	if !ok && len(u.failures()) == 0 {
		t.Fatalf("login failed without a failure header: %+v", u.hops)
	}

	if err := l.StopDatacenter(ctx, "dc-east"); err != nil {
		t.Fatal(err)
	}
	if u := newUser(t, l); !u.login() {
		t.Fatalf("with one datacenter left a login must work: %+v", u.hops)
	}
	if err := l.StartDatacenter(ctx, "dc-east"); err != nil {
		t.Fatal(err)
	}

	if err := l.Down(ctx); err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(ctx, "docker", "ps", "-aq", "--filter", "label=stickylab.run="+l.RunID()).CombinedOutput()
	if err != nil {
		t.Fatalf("docker ps: %v: %s", err, out)
	}
	if left := strings.TrimSpace(string(out)); left != "" {
		t.Fatalf("containers of run %s left after Down: %s", l.RunID(), left)
	}
}

// upDocker brings topo up on Docker and registers Down at once; it skips,
// saying why, when no engine answers.
func upDocker(t *testing.T, topo topology.Topology) *lab.Lab {
	t.Helper()
	if testing.Short() {
		t.Skip("docker: skipped with -short")
	}
	if err := dockerrt.Available(t.Context()); err != nil {
		t.Skipf("no Docker engine: %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), dockerTimeout)
	defer cancel()
	l, err := lab.Up(ctx, topo, lab.WithRuntime("docker"), lab.WithLogf(t.Logf))
	t.Cleanup(func() {
		if err := l.Down(context.Background()); err != nil {
			t.Errorf("down: %v", err)
		}
	})
	if err != nil {
		t.Fatalf("up: %v", err)
	}
	return l
}

// dockerCtx bounds a Docker test's faults: stopping and starting containers
// on a slow engine takes seconds each.
func dockerCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), dockerTimeout)
	t.Cleanup(cancel)
	return ctx
}

// A stopped and started container keeps fakecdn's state file in its
// writable layer: every change survives, as on the local runtime.
func TestChangesSurviveRestartsDocker(t *testing.T) {
	topo := topology.Default()
	topo.Seed = 42
	changesSurviveRestarts(dockerCtx(t), t, upDocker(t, topo))
}

func TestCookiesOfARotatedKeyStillDecodeAfterARestartDocker(t *testing.T) {
	rotatedCookieSurvivesRestart(dockerCtx(t), t, upDocker(t, oneDatacenter(2)))
}

func TestAStoppedRedisIsAStoreFailureNeverANewSessionDocker(t *testing.T) {
	if err := dockerrt.Available(t.Context()); err != nil {
		testenv.Skip(t, testenv.RequireDocker, "no Docker engine: %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), dockerTimeout)
	defer cancel()
	l, err := lab.Up(ctx, redisTopology(topology.Redis{Layout: "shared"}), lab.WithRuntime("docker"), lab.WithLogf(t.Logf))
	t.Cleanup(func() { _ = l.Down(context.Background()) })
	if err != nil {
		t.Fatalf("up: %v", err)
	}
	stoppedRedisFailsLogins(t, l)
}
