package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/stickylab/stickylab/lab"
	"github.com/stickylab/stickylab/lab/diagnose"
	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/stats"
	"github.com/stickylab/stickylab/lab/topology"
)

type demoOptions struct {
	noPause           bool
	runtime, report   string
	fix               string // act 3: edge or store
	runs, concurrency int
}

func newDemoCmd(s Streams) *cobra.Command {
	var o demoOptions
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "The teaching demo: why logins fail when a second datacenter joins",
		Long: `Three acts on one lab of the incident's topology:
  1. one datacenter serves: every login works;
  2. the second datacenter joins and the edge balances without persistence:
     logins fail intermittently, as often as the model says, and the
     diagnosis shows why;
  3. persistence is switched on at the edge: no login fails (--fix edge); or,
     with --fix store, the architectural fix on a second lab: a shared
     machine key and one shared Redis session store, no persistence anywhere.
Between acts it waits for Enter when stdin is a terminal.`,
		Example: `  stickylab demo
  stickylab demo --no-pause --runtime local --report demo.md
  stickylab demo --fix store`,
		Args: cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context(), s) }),
	}
	cmd.Flags().BoolVar(&o.noPause, "no-pause", false, "do not wait for Enter between acts (recordings, CI)")
	registerRuntime(cmd, &o.runtime)
	cmd.Flags().StringVar(&o.report, "report", "", "write a Markdown report of the three acts")
	cmd.Flags().StringVar(&o.fix, "fix", fixEdge, "the fix act 3 shows: edge (persistence at the edge) or store (shared key and a shared Redis session store)")
	cmd.Flags().IntVarP(&o.runs, "runs", "n", 200, "login flows per act")
	cmd.Flags().IntVarP(&o.concurrency, "concurrency", "c", 8, "flows in flight at once")
	return cmd
}

// demo is one run of the demo: its lab, its output and the acts so far.
type demo struct {
	demoOptions
	s    Streams
	p    palette
	l    *lab.Lab
	in   *bufio.Reader
	acts []act
}

func (o *demoOptions) run(ctx context.Context, s Streams) (err error) {
	if _, err := (&replayFlags{runs: o.runs, concurrency: o.concurrency, flow: "login"}).check(); err != nil {
		return err
	}
	if err := checkRuntime(o.runtime); err != nil {
		return err
	}
	if o.fix != fixEdge && o.fix != fixStore {
		return badInput("--fix: %q is not one of %s, %s", o.fix, fixEdge, fixStore)
	}
	if err := checkOutputs(o.report); err != nil {
		return err
	}
	start := time.Now()
	d := &demo{demoOptions: *o, s: s, p: newPalette(s)}
	if s.In != nil && isTerminal(s.In) && !o.noPause {
		d.in = bufio.NewReader(s.In)
	}
	t := topology.Default()
	second := t.Datacenters[len(t.Datacenters)-1].Name
	d.intro(t, second)

	d.l, err = upLab(ctx, s, t, o.runtime)
	defer teardown(ctx, s, d.l, &err)
	if err != nil {
		return err
	}
	err = d.play3(ctx, second)
	if o.report != "" {
		// Interrupted or not, the report holds every run the demo completed.
		title := fmt.Sprintf("stickylab demo (%s runtime, run %s)", d.l.Runtime(), d.l.RunID())
		if werr := writeReportFile(o.report, title, d.reportActs(stopReason(ctx, err))); werr != nil {
			return errors.Join(err, werr)
		}
	}
	if err != nil {
		return err
	}
	d.epilogue(time.Since(start))
	return nil
}

// demoActs is the number of acts the demo plays.
const demoActs = 3

// play3 plays the three acts, changing the lab between them.
func (d *demo) play3(ctx context.Context, second string) error {
	d.step("cut %s off: the edge now has one healthy datacenter", second)
	if err := d.l.PartitionDatacenter(ctx, second); err != nil {
		return fmt.Errorf("act 1: partition %s: %w", second, err)
	}
	if err := d.act1(ctx, second); err != nil {
		return err
	}
	if err := d.pause(ctx, 2); err != nil {
		return err
	}
	d.step("heal %s: the edge sees two healthy datacenters", second)
	if err := d.l.HealDatacenter(ctx, second); err != nil {
		return fmt.Errorf("act 2: heal %s: %w", second, err)
	}
	if err := d.act2(ctx, second); err != nil {
		return err
	}
	if err := d.pause(ctx, 3); err != nil {
		return err
	}
	if d.fix == fixStore {
		return d.act3Store(ctx)
	}
	d.step("edge persistence none → cookie")
	if err := d.l.SetEdgePersistence(ctx, "cookie"); err != nil {
		return fmt.Errorf("act 3: edge persistence: %w", err)
	}
	return d.act3(ctx)
}

// reportActs are the acts for the report: those played and, when the demo
// stopped short (why != ""), each act not played, marked partial with its
// planned runs.
func (d *demo) reportActs(why string) []act {
	acts := slices.Clone(d.acts)
	if why == "" {
		return acts
	}
	for i := len(acts); i < demoActs; i++ {
		res := &replay.Result{Flow: replay.Login.Name, Requests: replay.Login.Requests(), Planned: d.runs, Interrupted: why}
		acts = append(acts, act{Title: fmt.Sprintf("Act %d — not played", i+1), Outcome: outcome{Analysis: diagnose.Analysis{Result: res, Summary: res.Summary()}}})
	}
	return acts
}

func (d *demo) intro(t topology.Topology, second string) {
	w, p := d.s.Out, d.p
	fmt.Fprintln(w, p.bold("stickylab demo — why logins fail when a second datacenter joins"))
	fmt.Fprintln(w)
	say(w, `A bank's portal: a CDN edge in front of two datacenters. Inside each, a load
balancer keeps every user on one app server with its own encrypted cookie, lbs.
The app is ASP.NET-like: an anti-forgery token and the session live on the
server that issued them, and each datacenter has its own machine key.`)
	fmt.Fprintln(w)
	writeDiagram(w, p, t, map[string]string{second: "cut off in act 1"})
	fmt.Fprintln(w)
}

func (d *demo) act1(ctx context.Context, second string) error {
	t := d.l.Topology()
	t.Datacenters = slices.DeleteFunc(slices.Clone(t.Datacenters), func(dc topology.Datacenter) bool { return dc.Name == second })
	a := act{Title: "Act 1 — one datacenter: every login works", Topology: t,
		Story: fmt.Sprintf(`Only %s serves traffic (%s is cut off from the edge). With one healthy
datacenter the edge does not balance at all: it passes every request through
to %s, whose load balancer keeps each user on one app server. This is how the portal ran for
months — the bug was already there, hidden.`, t.Datacenters[0].Name, second, t.Datacenters[0].Name)}
	return d.play(ctx, a, false)
}

func (d *demo) act2(ctx context.Context, second string) error {
	t := d.l.Topology()
	a := act{Title: "Act 2 — the second datacenter joins: logins fail intermittently", Topology: t,
		Story: fmt.Sprintf(`%s is back. The edge now picks a datacenter at random for every request, with
no persistence. A login is three requests (the form, the POST, the account
page); when they do not all land in one datacenter, the other datacenter's
load balancer cannot read the lbs cookie and issues a new one, and its app
cannot decrypt the anti-forgery token or find the session. Watch lbs change
where the run crosses datacenters.`, second)}
	return d.play(ctx, a, true)
}

func (d *demo) act3(ctx context.Context) error {
	t := d.l.Topology()
	t.Edge.Persistence = "cookie"
	a := act{Title: "Act 3 — persistence at the edge: no login fails", Topology: t,
		Story: fmt.Sprintf(`The fix: the edge sets its own persistence cookie (%s) and keeps each user in
the datacenter it first chose. Every request of a login lands in one
datacenter again, even with both serving traffic.`, t.Edge.Cookie.Name)}
	return d.play(ctx, a, false)
}

// play narrates an act, replays, and prints the outcome.
func (d *demo) play(ctx context.Context, a act, detail bool) error {
	w, p := d.s.Out, d.p
	fmt.Fprintln(w, p.bold(p.cyan(a.Title)))
	say(w, a.Story)
	fmt.Fprintln(w)
	res, err := replayLab(ctx, d.s, d.l, replay.Login, d.runs, d.concurrency)
	if res != nil {
		// An interrupted act keeps the runs it completed, for the report.
		a.Outcome = newOutcome(res.Completed(), &a.Topology)
		d.acts = append(d.acts, a)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", a.Title, err)
	}
	writeTable(w, p, a.Outcome)
	if detail {
		fmt.Fprintln(w)
		writeDiagnosis(w, p, a.Outcome.Finding)
		if run, ok := diagnose.ExampleFailure(res, a.Outcome.Finding); ok {
			fmt.Fprintln(w)
			writeHops(w, p, run, a.Outcome.Cookies)
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, verdict(p, a.Outcome))
	fmt.Fprintln(w)
	return nil
}

// verdict says the act's result in one sentence for the class.
func verdict(p palette, o outcome) string {
	s := o.Summary
	if s.Failures == 0 {
		return p.green(fmt.Sprintf("→ %d of %d logins worked. With no failure in %d runs the failure rate is below %s (95 %% confidence).",
			s.Runs, s.Runs, s.Runs, rateText(stats.UpperBoundNoFailure(s.Runs, 0.95))))
	}
	text := fmt.Sprintf("→ %d of %d logins failed: %s (95 %% CI %s – %s)", s.Failures, s.Runs, rateText(s.FailureRate), rateText(s.CILow), rateText(s.CIHigh))
	if m := o.Model; m != nil && m.Applies {
		text += fmt.Sprintf("; the model predicts %s (%s)", rateText(m.FailureRate), m.Formula)
	}
	return p.red(text + ".")
}

func (d *demo) epilogue(took time.Duration) {
	w, p := d.s.Out, d.p
	fmt.Fprintln(w, p.bold("Summary"))
	for i, a := range d.acts {
		s := a.Outcome.Summary
		fmt.Fprintf(w, "  act %d  %-4s failed of %d  (%s)\n", i+1, fmt.Sprint(s.Failures), s.Runs, rateText(s.FailureRate))
	}
	say(w, `
One datacenter hid the bug; two exposed it; persistence at the edge fixed it.
Persistence must hold at every tier that balances between servers that do
not share state.`)
	fmt.Fprintf(w, "\ndemo took %s on the %s runtime\n", took.Round(100*time.Millisecond), d.l.Runtime())
}

// pause waits for Enter before the next act when stdin is a terminal.
func (d *demo) pause(ctx context.Context, next int) error {
	if d.in == nil {
		return nil
	}
	fmt.Fprint(d.s.Out, d.p.dim(fmt.Sprintf("Press Enter for act %d… ", next)))
	line := make(chan error, 1)
	go func() {
		_, err := d.in.ReadString('\n')
		line <- err
	}()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case err := <-line:
		fmt.Fprintln(d.s.Out)
		if err == io.EOF {
			d.in = nil // stdin closed: play the rest without pauses
		}
		return nil
	}
}

// step says what the demo changes in the lab before an act.
func (d *demo) step(format string, args ...any) {
	fmt.Fprintln(d.s.Out, d.p.yellow("» "+fmt.Sprintf(format, args...)))
	fmt.Fprintln(d.s.Out)
}

func say(w io.Writer, text string) { fmt.Fprintln(w, text) }
