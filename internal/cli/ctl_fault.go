package cli

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/stickylab/stickylab/lab"
)

// ctlFaultCmd is `ctl NAME TARGET [VALUE] [key=value…]` for one fault of
// the registry: its help is the fault's own description.
func ctlFaultCmd(s Streams, load stateLoader, f lab.Fault) *cobra.Command {
	return &cobra.Command{
		Use:     f.Name + " " + strings.ToUpper(string(f.Target)) + argsUse(f),
		Short:   firstSentence(f.Does),
		Long:    faultHelp(f),
		Example: "  stickylab ctl " + f.Name + " " + exampleTarget(f.Target) + exampleArgs(f),
		Args:    cobra.MinimumNArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			return runFault(cmd.Context(), s, load, f, args[0], args[1:])
		}),
	}
}

// runFault checks the arguments, performs the fault through up's control
// endpoint and prints what changed on the load balancers it touched (and on
// its link, for a toxic).
func runFault(ctx context.Context, s Streams, load stateLoader, f lab.Fault, target string, words []string) error {
	args, err := faultArgs(f, words)
	if err != nil {
		return err
	}
	st, err := load()
	if err != nil {
		return err
	}
	before := map[string]lbState{}
	for _, lb := range touched(st, target) {
		if state, err := getLB(ctx, st, lb); err == nil { // a stopped LB has none to compare with
			before[lb] = state
		}
	}
	msg, err := callControl(ctx, st, f.Name, target, args)
	if err != nil {
		return err
	}
	fmt.Fprintln(s.Out, msg)
	for _, lb := range touched(st, target) {
		if after, err := getLB(ctx, st, lb); err == nil && before[lb].Name != "" {
			printChanges(s.Out, lb, before[lb], after)
		}
	}
	if f.Target == lab.TargetLink {
		return printLinks(ctx, s.Out, st, target)
	}
	return nil
}

// faultArgs reads key=value words; one bare word is the first argument's
// value (ctl latency dc-west 200ms). Bad input names the word.
func faultArgs(f lab.Fault, words []string) (map[string]string, error) {
	args := map[string]string{}
	for _, w := range words {
		k, v, ok := strings.Cut(w, "=")
		if !ok {
			if len(f.Args) == 0 || args[f.Args[0].Name] != "" {
				return nil, badInput("%s: unexpected %q: want key=value (%s)", f.Name, w, argsUse(f))
			}
			k, v = f.Args[0].Name, w
		}
		args[k] = v
	}
	if err := f.Check(args); err != nil {
		return nil, asBadInput(err)
	}
	return args, nil
}

// touched are the load balancers whose state a fault on target may change:
// the edge, and target's datacenter when it names one or its instance.
func touched(st upState, target string) []string {
	lbs := []string{"edge"}
	for _, dc := range st.Datacenters {
		if target == dc || strings.HasPrefix(target, dc+"-") {
			return append(lbs, dc)
		}
	}
	return lbs
}

func isToxic(f lab.Fault) bool { return f.Target == lab.TargetLink && f.Name != "remove-toxic" }

// ctlToxicCmd is toxiproxy-cli's toxic command, on the lab's WAN links:
// `ctl toxic LINK TYPE key=value…`, `ctl toxic list`, `ctl toxic remove LINK NAME`.
func ctlToxicCmd(s Streams, load stateLoader) *cobra.Command {
	var types []string
	var help strings.Builder
	for _, f := range lab.Faults() {
		if isToxic(f) {
			types = append(types, f.Name)
			fmt.Fprintf(&help, "\n%s%s\n  %s\n", f.Name, argsUse(f), f.Does)
		}
	}
	cmd := &cobra.Command{
		Use:   "toxic LINK TYPE [key=value…]",
		Short: "Add or replace a Toxiproxy toxic on a datacenter's WAN link (" + strings.Join(types, ", ") + ")",
		Long: "Add a Toxiproxy toxic to the WAN link the edge reaches a datacenter through (the link is named\n" +
			"after the datacenter), or replace the toxic of that type. Durations are milliseconds, as in\n" +
			"toxiproxy-cli, or Go durations (300ms). The toxics:\n" + help.String(),
		Example: `  stickylab ctl toxic dc-west latency latency=300 jitter=50
  stickylab ctl toxic dc-west bandwidth rate=64
  stickylab ctl toxic dc-west reset_peer timeout=500
  stickylab ctl toxic list
  stickylab ctl toxic remove dc-west latency`,
		Args: cobra.MinimumNArgs(2),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(types, args[1]) {
				return badInput("unknown toxic type %q (have %s)", args[1], strings.Join(types, ", "))
			}
			f, _ := lab.FaultNamed(args[1])
			return runFault(cmd.Context(), s, load, f, args[0], args[2:])
		}),
	}
	remove, _ := lab.FaultNamed("remove-toxic")
	cmd.AddCommand(&cobra.Command{
		Use:     "remove LINK NAME",
		Short:   "Remove a toxic from a WAN link by name (its type, unless named otherwise)",
		Example: "  stickylab ctl toxic remove dc-west latency",
		Args:    cobra.ExactArgs(2),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			return runFault(cmd.Context(), s, load, remove, args[0], args[1:])
		}),
	}, ctlReadCmd(load, "list", "List the WAN links, enabled or cut, with their toxics",
		func(ctx context.Context, st upState) error { return printLinks(ctx, s.Out, st, "") }))
	return cmd
}

// printLinks prints every link (or only the one named only) with its toxics.
func printLinks(ctx context.Context, w io.Writer, st upState, only string) error {
	var links []lab.LinkState
	status, err := controlCall(ctx, st, http.MethodGet, "/links", nil, &links)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("links: %s", http.StatusText(status))
	}
	if err != nil {
		return err
	}
	for _, l := range links {
		if only != "" && l.Name != only {
			continue
		}
		state := "enabled"
		if !l.Enabled {
			state = "cut"
		}
		fmt.Fprintf(w, "link %s (%s → %s): %s", l.Name, l.From, l.To, state)
		if len(l.Toxics) == 0 {
			fmt.Fprint(w, ", no toxics")
		}
		fmt.Fprintln(w)
		for _, t := range l.Toxics {
			fmt.Fprintf(w, "  %s\n", toxicText(t))
		}
	}
	return nil
}

// toxicText is a toxic as toxiproxy-cli lists it: name, type, stream,
// toxicity and attributes.
func toxicText(t lab.Toxic) string {
	var attrs []string
	for _, k := range slices.Sorted(maps.Keys(t.Attributes)) {
		attrs = append(attrs, fmt.Sprintf("%s=%d", k, t.Attributes[k]))
	}
	return fmt.Sprintf("%s\ttype=%s\tstream=%s\ttoxicity=%.2f\t%s", t.Name, t.Type, t.Stream, t.Toxicity, strings.Join(attrs, " "))
}
