package dockerrt

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
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
	if left := leftovers(t, cli, runID); len(left) != 6 { // 3 containers and the toxiproxy, 2 networks
		t.Fatalf("the child's lab: %v", left)
	}

	if err := Sweep(t.Context()); err != nil {
		t.Fatal(err)
	}
	if left := leftovers(t, cli, runID); len(left) != 6 {
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
