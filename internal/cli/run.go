package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/stickylab/stickylab/lab"
	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/topology"
)

type runOptions struct {
	file, runtime, har, report string
	replayFlags
}

func newRunCmd(s Streams) *cobra.Command {
	var o runOptions
	cmd := &cobra.Command{
		Use:   "run -f FILE",
		Short: "Bring a topology up, replay logins through it, explain the result, tear it down",
		Example: `  stickylab run -f examples/incident.yaml
  stickylab run -f examples/edge-cookie.yaml -n 400 --runtime local --json`,
		Args: cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context(), s) }),
	}
	cmd.Flags().StringVarP(&o.file, "file", "f", "", "topology file (YAML), e.g. examples/incident.yaml")
	registerRuntime(cmd, &o.runtime)
	o.replayFlags.register(cmd)
	cmd.Flags().StringVar(&o.har, "har", "", "write every hop of every run as a HAR file")
	cmd.Flags().StringVar(&o.report, "report", "", "write a Markdown report")
	return cmd
}

func (o *runOptions) run(ctx context.Context, s Streams) (err error) {
	flow, err := o.check()
	if err != nil {
		return err
	}
	if err := checkRuntime(o.runtime); err != nil {
		return err
	}
	if err := checkOutputs(o.har, o.report); err != nil {
		return err
	}
	t, err := loadTopology(o.file)
	if err != nil {
		return err
	}
	p := newPalette(s)
	if !o.json {
		writeDiagram(s.Out, p, t, nil)
		fmt.Fprintln(s.Out)
	}
	l, err := upLab(ctx, s, t, o.runtime)
	defer teardown(ctx, s, l, &err)
	if err != nil {
		return err
	}
	res, err := replayLab(ctx, s, l, flow, o.runs, o.concurrency)
	if res == nil {
		return err
	}
	// An interrupted replay still reports the runs it completed, marked
	// partial, and then fails with its error (exit 130 on Ctrl-C).
	lt := l.Topology()
	out := newOutcome(res.Completed(), &lt)
	if werr := writeFiles(out, lt, o.har, o.report, l.Runtime()); werr != nil {
		return errors.Join(err, werr)
	}
	if o.json {
		return errors.Join(err, writeJSON(s.Out, out))
	}
	writePartial(s.Out, p, out.Result)
	writeOutcome(s.Out, p, out)
	return err
}

// replayLab replays flow through l's edge, trusting the lab's CA, with a
// progress bar on a terminal.
func replayLab(ctx context.Context, s Streams, l *lab.Lab, flow replay.Flow, n, c int) (*replay.Result, error) {
	opts, done := newProgress(s, flow.Name)
	defer done()
	if pool := l.CAPool(); pool != nil {
		opts = append(opts, replay.WithCAPool(pool))
	}
	r, err := replay.New(l.EdgeURL(), opts...)
	if err != nil {
		return nil, err
	}
	res, err := r.Replay(ctx, flow, n, c)
	done()
	if err != nil {
		return res, fmt.Errorf("replay through %s: %w", l.EdgeURL(), err)
	}
	return res, nil
}

// writeFiles writes the HAR and Markdown report when asked.
func writeFiles(o outcome, t topology.Topology, har, report, runtime string) error {
	if har != "" {
		if err := writeHAR(har, o.Result); err != nil {
			return err
		}
	}
	if report != "" {
		if err := writeReportFile(report, fmt.Sprintf("stickylab run: %s, %s flow (%s runtime)", t.Name, o.Result.Flow, runtime), []act{{Outcome: o, Topology: t}}); err != nil {
			return err
		}
	}
	return nil
}
