package dockerrt

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stickylab/stickylab/internal/containerfiles"
	"github.com/stickylab/stickylab/lab/internal/plan"
	"github.com/stickylab/stickylab/lab/topology"
)

// childEnv switches the test binary into a helper mode instead of running
// tests: "lab" starts a small lab, prints "run <id>" and blocks until killed
// (the sweep test); "dump=DIR" writes the default topology's containers for
// scripts/bench-up.sh.
const childEnv = "STICKYLAB_CHILD"

func TestMain(m *testing.M) {
	switch mode := os.Getenv(childEnv); {
	case mode == "":
		os.Exit(m.Run())
	case mode == "lab":
		os.Exit(childLab())
	case strings.HasPrefix(mode, "dump="):
		os.Exit(dumpPlan(strings.TrimPrefix(mode, "dump=")))
	default:
		fmt.Fprintf(os.Stderr, "%s=%s: unknown mode\n", childEnv, mode)
		os.Exit(2)
	}
}

func childLab() int {
	p, err := plan.New(smallTopology(false))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if _, err := New(nil).Start(context.Background(), p, plan.TLSFiles{}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("run %s\n", p.RunID)
	select {} // until SIGKILL
}

// dumpPlan writes, per node of the default topology, what `docker run`
// needs: DIR/<node>/{image,args,networks,ports} (one item a line) and, for a
// node with files, DIR/<node>/env: the variable that carries them, as the
// runtime sets it (containerfiles).
func dumpPlan(dir string) int {
	err := func() error {
		ctx := context.Background()
		cli, err := dockerClient(ctx)
		if err != nil {
			return err
		}
		image, err := ensureImage(ctx, cli, func(string, ...any) {})
		if err != nil {
			return err
		}
		p, err := plan.New(topology.Default())
		if err != nil {
			return err
		}
		files, _ := tlsFiles(p)
		for _, n := range p.Nodes {
			s, err := nodeSpec(p, n, image, files, p.TLS())
			if err != nil {
				return err
			}
			d := filepath.Join(dir, n.Name)
			lines := map[string][]string{"image": {s.Image}, "args": s.command(), "networks": n.Networks, "ports": s.Ports}
			for name, ls := range lines {
				if err := writeFile(filepath.Join(d, name), []byte(strings.Join(ls, "\n")+"\n")); err != nil {
					return err
				}
			}
			if len(s.Files) > 0 {
				env, err := containerfiles.Encode(s.Files)
				if err != nil {
					return err
				}
				if err := writeFile(filepath.Join(d, "env"), []byte(containerfiles.Env+"="+env+"\n")); err != nil {
					return err
				}
			}
		}
		return nil
	}()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func writeFile(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
