package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/stickylab/stickylab/lab"
	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/topology"
)

// Runtimes accepted by --runtime.
var runtimes = []string{"auto", "docker", "local"}

// replayFlags are the flags shared by run, replay (and the demo's defaults).
type replayFlags struct {
	runs, concurrency int
	flow              string
	json              bool
}

func (f *replayFlags) register(cmd *cobra.Command) {
	cmd.Flags().IntVarP(&f.runs, "runs", "n", 200, "number of login flows to replay")
	cmd.Flags().IntVarP(&f.concurrency, "concurrency", "c", 8, "flows in flight at once")
	cmd.Flags().StringVar(&f.flow, "flow", "login", "flow to replay: "+strings.Join(flowNames(), " | ")+", or a flow file (.yaml)")
	cmd.Flags().BoolVar(&f.json, "json", false, "print one JSON object on stdout and nothing else")
}

// check validates the values and returns the flow.
func (f *replayFlags) check() (replay.Flow, error) {
	if f.runs < 1 {
		return replay.Flow{}, badInput("-n/--runs must be at least 1, got %d", f.runs)
	}
	if f.concurrency < 1 {
		return replay.Flow{}, badInput("-c/--concurrency must be at least 1, got %d", f.concurrency)
	}
	flow, err := replay.ResolveFlow(f.flow)
	if err != nil {
		return replay.Flow{}, badInput("--flow: %w", err)
	}
	return flow, nil
}

func flowNames() []string {
	var names []string
	for _, f := range replay.Flows() {
		names = append(names, f.Name)
	}
	return names
}

func registerRuntime(cmd *cobra.Command, p *string) {
	cmd.Flags().StringVar(p, "runtime", "auto", "where the lab runs: auto (docker when an engine answers, else local) | docker | local")
}

func checkRuntime(rt string) error {
	if !slices.Contains(runtimes, rt) {
		return badInput("--runtime: %q is not one of %s", rt, strings.Join(runtimes, ", "))
	}
	return nil
}

// loadTopology reads the topology file; every problem is bad input and
// names the file, the line and the field.
func loadTopology(path string) (topology.Topology, error) {
	if path == "" {
		return topology.Topology{}, badInput("missing -f/--file: the topology file to bring up, e.g. -f examples/incident.yaml")
	}
	t, err := topology.Load(path)
	if err != nil {
		return t, asBadInput(err)
	}
	return t, nil
}

// upLab brings t up. The caller defers teardown(ctx, s, l, &err) right
// after, before looking at the error: Up cleans up after itself, and
// teardown ignores a nil lab.
func upLab(ctx context.Context, s Streams, t topology.Topology, runtime string) (*lab.Lab, error) {
	logf := func(format string, args ...any) {
		fmt.Fprintf(s.Err, "  "+strings.TrimSuffix(format, "\n")+"\n", args...)
	}
	l, err := lab.Up(ctx, t, lab.WithRuntime(runtime), lab.WithLogf(logf))
	if err != nil {
		var ve *topology.ValidationError
		if errors.As(err, &ve) {
			return l, asBadInput(err)
		}
		return l, fmt.Errorf("bring up %s: %w", t.Name, err)
	}
	return l, nil
}
