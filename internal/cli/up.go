package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/stickylab/stickylab/internal/dashboard"
	"github.com/stickylab/stickylab/lab"
	"github.com/stickylab/stickylab/lab/topology"
)

type upOptions struct {
	file, runtime, state string
	tls, dashboard       bool
}

func newUpCmd(s Streams) *cobra.Command {
	var o upOptions
	cmd := &cobra.Command{
		Use:   "up -f FILE",
		Short: "Bring a topology up and keep it running until Ctrl-C",
		Long: `Bring a topology up, print the edge URL and the CA file, and keep it running
until Ctrl-C; then tear everything down. While it runs, ` + "`stickylab ctl`" + ` changes
it through its control endpoint: every fault of the lab (stop/start/partition/heal a
datacenter, kill/start/restart/flush an instance, persistence, latency, key rotation,
Toxiproxy toxics on the WAN links).`,
		Example: `  stickylab up -f examples/incident.yaml
  stickylab up -f examples/incident.yaml --runtime local --tls=false`,
		Args: cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return o.run(cmd.Context(), s, cmd.Flags().Changed("tls"))
		}),
	}
	cmd.Flags().StringVarP(&o.file, "file", "f", "", "topology file (YAML), e.g. examples/incident.yaml")
	registerRuntime(cmd, &o.runtime)
	cmd.Flags().BoolVar(&o.tls, "tls", true, "serve the edge over HTTPS with the lab's CA (overrides the file's edge.tls)")
	cmd.Flags().BoolVar(&o.dashboard, "dashboard", true, "serve the live dashboard on 127.0.0.1 (its URL is printed)")
	cmd.Flags().StringVar(&o.state, "state", "", "where to write the state file that `stickylab ctl` reads (default $XDG_RUNTIME_DIR/stickylab/current.json)")
	return cmd
}

func (o *upOptions) run(ctx context.Context, s Streams, tlsSet bool) (err error) {
	if err := checkRuntime(o.runtime); err != nil {
		return err
	}
	t, err := loadTopology(o.file)
	if err != nil {
		return err
	}
	if tlsSet {
		t.Edge.TLS = topology.Bool(o.tls)
	}
	statePath := o.state
	if statePath == "" {
		statePath = defaultStatePath(s)
	}
	p := newPalette(s)
	writeDiagram(s.Out, p, t, nil)
	fmt.Fprintln(s.Out)

	l, err := upLab(ctx, s, t, o.runtime)
	defer teardown(ctx, s, l, &err)
	if err != nil {
		return err
	}
	logf := func(format string, args ...any) { fmt.Fprintf(s.Err, format+"\n", args...) }
	ctl, err := startControl(l, logf)
	if err != nil {
		return err
	}
	defer ctl.Close()
	st, err := stateOf(l, ctl)
	if err != nil {
		return err
	}
	if o.dashboard {
		d, err := dashboard.Start(dashboard.Config{Lab: l, Token: ctl.Token, Perform: dashboard.PerformFunc(performOn(l)), Logf: logf})
		if err != nil {
			return err
		}
		defer d.Close()
		st.Dashboard = d.URL()
	}
	if err := writeState(statePath, st); err != nil {
		return err
	}
	defer removeState(statePath, st.RunID)

	writeUpBanner(s.Out, p, st, statePath)
	<-ctx.Done() // Ctrl-C is how up ends: teardown says so and removes everything
	return nil
}

// stateOf collects what ctl needs from the running lab.
func stateOf(l *lab.Lab, ctl *controlServer) (upState, error) {
	t := l.Topology()
	st := upState{
		RunID: l.RunID(), Runtime: l.Runtime(), Topology: t.Name, EdgeURL: l.EdgeURL(), CAFile: l.CAFile(),
		Admin: map[string]string{}, Control: ctl.URL, Token: ctl.Token, PID: os.Getpid(), Started: time.Now().UTC(),
	}
	targets := []string{"edge"}
	for _, dc := range t.Datacenters {
		st.Datacenters = append(st.Datacenters, dc.Name)
		targets = append(targets, dc.Name)
		targets = append(targets, dc.InstanceNames()...)
	}
	for _, target := range targets {
		u, err := l.AdminURL(target)
		if err != nil {
			return st, fmt.Errorf("admin URL of %s: %w", target, err)
		}
		st.Admin[target] = u
	}
	return st, nil
}

func writeUpBanner(w io.Writer, p palette, st upState, statePath string) {
	fmt.Fprintf(w, "%s run %s on the %s runtime\n\n", p.green("Lab is up:"), st.RunID, st.Runtime)
	fmt.Fprintf(w, "  edge     %s\n", p.bold(st.EdgeURL))
	fmt.Fprintf(w, "  log in   %s/login as alice / wonderland\n", st.EdgeURL)
	if st.Dashboard != "" {
		fmt.Fprintf(w, "  dashboard %s\n", p.bold(st.Dashboard))
	}
	if st.CAFile != "" {
		fmt.Fprintf(w, "  CA file  %s\n\n", st.CAFile)
		fmt.Fprintln(w, "Trust the lab's CA (it signed the edge's certificate for 127.0.0.1):")
		fmt.Fprintf(w, "  curl     curl --cacert %s %s/login\n", st.CAFile, st.EdgeURL)
		fmt.Fprintf(w, "  browser  import %s as a certificate authority\n", st.CAFile)
		fmt.Fprintln(w, "           (Chromium: Settings > Privacy and security > Security > Manage certificates > Authorities;")
		fmt.Fprintln(w, "            Firefox: Settings > Privacy & Security > Certificates > View Certificates > Authorities)")
		fmt.Fprintln(w, "  or skip TLS: stickylab up -f FILE --tls=false")
	} else {
		fmt.Fprintln(w, "  TLS      off (plain HTTP)")
	}
	fmt.Fprintf(w, "\nChange it while it runs (state in %s):\n", statePath)
	dc := "dc-west"
	if n := len(st.Datacenters); n > 0 {
		dc = st.Datacenters[n-1]
	}
	fmt.Fprintln(w, "  stickylab ctl status")
	fmt.Fprintln(w, "  stickylab ctl persistence edge cookie")
	fmt.Fprintf(w, "  stickylab ctl stop %s    (start | partition | heal)\n", dc)
	fmt.Fprintf(w, "  stickylab ctl latency %s 200ms\n", dc)
	fmt.Fprintf(w, "  stickylab ctl toxic %s bandwidth rate=64    (ctl toxic --help: every toxic)\n", dc)
	fmt.Fprintln(w, "\nCtrl-C tears everything down.")
}
