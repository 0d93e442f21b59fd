package cli

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/stickylab/stickylab/lab/replay"
)

type replayOptions struct {
	url, ca, har, report string
	insecure             bool
	replayFlags
}

func newReplayCmd(s Streams) *cobra.Command {
	var o replayOptions
	cmd := &cobra.Command{
		Use:   "replay --url URL",
		Short: "Replay logins against any running edge, ours or a real one",
		Example: `  stickylab replay --url https://127.0.0.1:8443 --ca /tmp/stickylab-ca.pem
  stickylab replay --url https://portal.example.com --insecure -n 50 --json`,
		Args: cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context(), s) }),
	}
	cmd.Flags().StringVar(&o.url, "url", "", "base URL of the edge, e.g. https://127.0.0.1:8443")
	cmd.Flags().StringVar(&o.ca, "ca", "", "PEM file of the CA to trust (the lab's CA file)")
	cmd.Flags().BoolVar(&o.insecure, "insecure", false, "skip TLS certificate verification")
	o.replayFlags.register(cmd)
	cmd.Flags().StringVar(&o.har, "har", "", "write every hop of every run as a HAR file")
	cmd.Flags().StringVar(&o.report, "report", "", "write a Markdown report")
	cmd.MarkFlagsMutuallyExclusive("ca", "insecure")
	return cmd
}

func (o *replayOptions) run(ctx context.Context, s Streams) error {
	flow, err := o.check()
	if err != nil {
		return err
	}
	if o.url == "" {
		return badInput("missing --url: the edge to replay against, e.g. --url https://127.0.0.1:8443")
	}
	if err := checkOutputs(o.har, o.report); err != nil {
		return err
	}
	opts, err := o.tlsOptions()
	if err != nil {
		return err
	}
	prog, done := newProgress(s, flow.Name)
	r, err := replay.New(o.url, append(opts, prog...)...)
	if err != nil {
		return asBadInput(err)
	}
	if err := r.Probe(ctx); err != nil {
		return asBadInput(err)
	}
	res, err := r.Replay(ctx, flow, o.runs, o.concurrency)
	done()
	if res == nil {
		return err
	}
	// An interrupted replay still reports the runs it completed, marked
	// partial, and then fails with its error (exit 130 on Ctrl-C).
	out := newOutcome(res.Completed(), nil)
	if werr := o.writeFiles(out, r.URL()); werr != nil {
		return errors.Join(err, werr)
	}
	if o.json {
		return errors.Join(err, writeJSON(s.Out, out))
	}
	p := newPalette(s)
	fmt.Fprintf(s.Out, "replayed %s against %s\n\n", flow.Name, r.URL())
	writePartial(s.Out, p, out.Result)
	writeOutcome(s.Out, p, out)
	return err
}

// writeFiles writes the HAR and Markdown report when asked.
func (o *replayOptions) writeFiles(out outcome, url string) error {
	if o.har != "" {
		if err := writeHAR(o.har, out.Result); err != nil {
			return err
		}
	}
	if o.report != "" {
		return writeReportFile(o.report, "stickylab replay: "+out.Result.Flow+" against "+url, []act{{Outcome: out}})
	}
	return nil
}

func (o *replayOptions) tlsOptions() ([]replay.Option, error) {
	switch {
	case o.insecure:
		return []replay.Option{replay.WithInsecure()}, nil
	case o.ca != "":
		pem, err := os.ReadFile(o.ca)
		if err != nil {
			return nil, badInput("--ca: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, badInput("--ca %s: no PEM certificate in the file", o.ca)
		}
		return []replay.Option{replay.WithCAPool(pool)}, nil
	}
	return nil, nil
}
