package dockerrt

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/moby/moby/client"
)

// TestTheLabOfAKilledOwnerIsSwept starts a lab in a child process, kills the
// child with SIGKILL (no cleanup runs), and checks that the next Sweep
// removes its containers and networks.
func TestTheLabOfAKilledOwnerIsSwept(t *testing.T) {
	cli := requireDocker(t)
	warmImages(t) // the child would otherwise compile and build on its own

	ctx, cancel := context.WithTimeout(t.Context(), upTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=lab")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	runID, ok := strings.CutPrefix(strings.TrimSpace(line), "run ")
	if err != nil || !ok {
		t.Fatalf("the child did not report its run: %q, %v", line, err)
	}
	t.Cleanup(func() { _ = removeRun(context.Background(), cli, runID) })
	if left := leftovers(t, cli, runID); len(left) != 5 { // 3 containers, 2 networks
		t.Fatalf("the child's lab: %v", left)
	}

	if err := Sweep(t.Context()); err != nil {
		t.Fatal(err)
	}
	if left := leftovers(t, cli, runID); len(left) != 5 {
		t.Fatalf("sweep removed the lab of a live owner; left %v", left)
	}

	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if err := Sweep(t.Context()); err != nil {
		t.Fatal(err)
	}
	if left := leftovers(t, cli, runID); len(left) > 0 {
		t.Fatalf("sweep left the dead owner's %v", left)
	}
}

// TestCleanRemovesEveryLabelledLab starts a lab and leaves a labelled
// network of a made-up owner; Clean must remove both. Clean removes every
// lab on the engine, so the test steps aside when another process has one
// running.
func TestCleanRemovesEveryLabelledLab(t *testing.T) {
	cli := requireDocker(t)
	if others := foreignLabs(t, cli); len(others) > 0 {
		t.Skipf("other processes run stickylab labs (%s); Clean would remove them", strings.Join(others, ", "))
	}
	p := newPlan(t, smallTopology(false))
	start(t, p, noTLS)
	stray := "sl-cleantest-" + p.RunID
	_, err := cli.NetworkCreate(t.Context(), stray, client.NetworkCreateOptions{Driver: "bridge", Labels: map[string]string{LabelRun: "cleantest-" + p.RunID}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = cli.NetworkRemove(context.Background(), stray, client.NetworkRemoveOptions{}) })

	if err := Clean(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, run := range []string{p.RunID, "cleantest-" + p.RunID} {
		if left := leftovers(t, cli, run); len(left) > 0 {
			t.Errorf("clean left %v", left)
		}
	}
}

// foreignLabs names the runs on the engine owned by other processes.
func foreignLabs(t *testing.T, cli *client.Client) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	f := labelFilter(LabelRun, "")
	cs, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	ns, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var out []string
	add := func(labels map[string]string) {
		if labels[LabelPID] == self.pid && labels[LabelOwner] == self.owner {
			return
		}
		key := fmt.Sprintf("run %s of pid %s", labels[LabelRun], labels[LabelPID])
		if !seen[key] {
			seen[key] = true
			out = append(out, key)
		}
	}
	for _, c := range cs.Items {
		add(c.Labels)
	}
	for _, n := range ns.Items {
		add(n.Labels)
	}
	return out
}
