package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/stickylab/stickylab/fakecdn/policy"
	"github.com/stickylab/stickylab/lab"
)

// ctl changes the lab a `stickylab up` keeps running, through one path:
// up's control endpoint (control.go), which performs every fault of the
// lab's registry (lab.Faults) on the Lab and reads the load balancers' state
// and the WAN links for ctl. Each command prints what changed, read back
// from the load balancers before and after.

func newCtlCmd(s Streams) *cobra.Command {
	var statePath string
	cmd := &cobra.Command{
		Use:   "ctl",
		Short: "Change a running `stickylab up`: faults, persistence, latency, keys, toxics",
		Example: `  stickylab ctl status
  stickylab ctl persistence edge cookie
  stickylab ctl stop dc-west
  stickylab ctl partition dc-west
  stickylab ctl kill dc-east-1
  stickylab ctl latency dc-west 200ms jitter=20
  stickylab ctl toxic dc-west bandwidth rate=64
  stickylab ctl toxic list
  stickylab ctl toxic remove dc-west bandwidth`,
		Args: cobra.NoArgs,
	}
	cmd.PersistentFlags().StringVar(&statePath, "state", "", "state file written by `stickylab up` (default $XDG_RUNTIME_DIR/stickylab/current.json)")
	load := func() (upState, error) {
		if statePath == "" {
			statePath = defaultStatePath(s)
		}
		return readState(statePath)
	}
	cmd.AddCommand(ctlStatusCmd(s, load), ctlToxicCmd(s, load))
	for _, f := range lab.Faults() {
		if !isToxic(f) || f.Name == "latency" {
			cmd.AddCommand(ctlFaultCmd(s, load, f))
		}
	}
	return cmd
}

type stateLoader func() (upState, error)

// ctlReadCmd is a ctl command that only reads the running lab.
func ctlReadCmd(load stateLoader, use, short string, read func(ctx context.Context, st upState) error) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			st, err := load()
			if err != nil {
				return err
			}
			return read(cmd.Context(), st)
		}),
	}
}

func ctlStatusCmd(s Streams, load stateLoader) *cobra.Command {
	return ctlReadCmd(load, "status", "Show the running lab as its load balancers report it, and its WAN links",
		func(ctx context.Context, st upState) error {
			fmt.Fprintf(s.Out, "run %s (%s, %s runtime, pid %d)\n  edge %s\n", st.RunID, st.Topology, st.Runtime, st.PID, st.EdgeURL)
			if st.CAFile != "" {
				fmt.Fprintf(s.Out, "  CA   %s\n", st.CAFile)
			}
			for _, target := range append([]string{"edge"}, st.Datacenters...) {
				lb, err := getLB(ctx, st, target)
				if err != nil {
					return err
				}
				writeLB(s.Out, target, lb)
			}
			return printLinks(ctx, s.Out, st, "")
		})
}

// lbState is a load balancer's GET /state (package policy's wire type).
type lbState = policy.State

// getLB reads a load balancer's state through the control endpoint.
func getLB(ctx context.Context, st upState, target string) (lbState, error) {
	var lb lbState
	status, err := controlCall(ctx, st, http.MethodGet, "/state/"+target, nil, &lb)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("state of %s: %s", target, http.StatusText(status))
	}
	return lb, err
}

// printChanges prints each config field and member field that differs, and
// reports whether anything did.
func printChanges(w io.Writer, target string, before, after lbState) bool {
	changed := false
	b, a := flatten("", configFields(before.Config)), flatten("", configFields(after.Config))
	for _, k := range slices.Sorted(maps.Keys(a)) {
		if b[k] != a[k] {
			fmt.Fprintf(w, "%s: %s %s → %s\n", target, k, orDash(b[k]), a[k])
			changed = true
		}
	}
	if before.KeyGeneration != after.KeyGeneration {
		fmt.Fprintf(w, "%s: key generation %d → %d\n", target, before.KeyGeneration, after.KeyGeneration)
		changed = true
	}
	old := map[string]string{}
	for _, m := range before.Members {
		old[m.Name] = memberText(m.State, m.Healthy, m.Delay.String())
	}
	for _, m := range after.Members {
		if now := memberText(m.State, m.Healthy, m.Delay.String()); old[m.Name] != now {
			fmt.Fprintf(w, "%s: member %s %s → %s\n", target, m.Name, orDash(old[m.Name]), now)
			changed = true
		}
	}
	return changed
}

// configFields is c as its JSON object, field name → value.
func configFields(c policy.Config) map[string]any {
	var m map[string]any
	b, _ := json.Marshal(c) // a Config always marshals
	_ = json.Unmarshal(b, &m)
	return m
}

// flatten turns the config into "cookie.name" → "lbs"; members are left out
// (their changes show in the member lines).
func flatten(prefix string, m map[string]any) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		if prefix == "" && k == "members" {
			continue
		}
		if sub, ok := v.(map[string]any); ok {
			maps.Copy(out, flatten(prefix+k+".", sub))
			continue
		}
		out[prefix+k] = fmt.Sprint(v)
	}
	return out
}

func memberText(state string, healthy bool, delay string) string {
	s := state
	if healthy {
		s += ", healthy"
	} else {
		s += ", unhealthy"
	}
	if delay != "" && delay != "0s" {
		s += ", delay " + delay
	}
	return s
}

func writeLB(w io.Writer, target string, lb lbState) {
	fmt.Fprintf(w, "%s (%s): selection %v, persistence %v, key generation %d\n", target, lb.Role, lb.Config.Selection, lb.Config.Persistence, lb.KeyGeneration)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, m := range lb.Members {
		fmt.Fprintf(tw, "  %s\t%s\t%d requests\n", m.Name, memberText(m.State, m.Healthy, m.Delay.String()), m.Requests)
	}
	tw.Flush()
}
