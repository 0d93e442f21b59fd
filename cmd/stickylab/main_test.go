package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/stickylab/stickylab/internal/testenv"
)

const (
	// pingTimeout bounds asking the engine whether it answers at all.
	pingTimeout = 10 * time.Second
	// labTimeout bounds building the binary and one lab run on a busy engine.
	labTimeout = 10 * time.Minute
)

// requireEngine skips, visibly, when no Docker engine answers (fails with
// STICKYLAB_REQUIRE_DOCKER=1).
func requireEngine(t *testing.T) {
	t.Helper()
	cli, err := client.New(client.FromEnv)
	if err != nil {
		testenv.Skip(t, testenv.RequireDocker, "no Docker engine: %v", err)
		return
	}
	defer cli.Close()
	ctx, cancel := context.WithTimeout(t.Context(), pingTimeout)
	defer cancel()
	if _, err := cli.Ping(ctx, client.PingOptions{}); err != nil {
		testenv.Skip(t, testenv.RequireDocker, "no Docker engine answers: %v", err)
	}
}

// What `go install …/cmd/stickylab` gives a user is enough to run the lab
// on Docker: the binary, run from a directory that is not the source tree,
// with no go command on PATH and no STICKYLAB_BIN_DIR, makes its image from
// itself and brings the incident topology up.
func TestTheInstalledBinaryRunsALabOnDockerWithoutGo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs a lab on Docker")
	}
	requireEngine(t)
	ctx, cancel := context.WithTimeout(t.Context(), labTimeout)
	defer cancel()

	bin := filepath.Join(t.TempDir(), "stickylab")
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	topology, err := os.ReadFile(filepath.Join("..", "..", "examples", "incident.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	if err := os.WriteFile(filepath.Join(work, "incident.yaml"), topology, 0o644); err != nil {
		t.Fatal(err)
	}
	noGo := t.TempDir() // the only directory on PATH
	run := exec.CommandContext(ctx, bin, "run", "-f", "incident.yaml", "-n", "10", "--runtime", "docker", "--json")
	run.Dir = work
	run.Env = []string{"PATH=" + noGo, "HOME=" + os.Getenv("HOME")}
	for _, k := range []string{"DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_CONFIG", "TESTCONTAINERS_HOST_OVERRIDE", "TESTCONTAINERS_RYUK_DISABLED", "TMPDIR"} {
		if v, ok := os.LookupEnv(k); ok {
			run.Env = append(run.Env, k+"="+v)
		}
	}
	var stdout, stderr bytes.Buffer
	run.Stdout, run.Stderr = &stdout, &stderr
	if err := run.Run(); err != nil {
		t.Fatalf("stickylab run in %s with PATH=%s: %v\nstderr:\n%s", work, noGo, err, stderr.String())
	}
	var out struct{ Runs int }
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil || out.Runs != 10 {
		t.Errorf("stdout is not the JSON outcome of 10 runs (%v):\n%s", err, stdout.String())
	}
	if !strings.Contains(stderr.String(), "up on docker") {
		t.Errorf("the lab did not come up on Docker; stderr:\n%s", stderr.String())
	}
	t.Logf("stderr of the run:\n%s", stderr.String())
}
