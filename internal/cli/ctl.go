package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// ctl changes the lab a `stickylab up` keeps running. Configuration goes
// straight to the load balancers' admin APIs; faults that need the runtime
// (stop, start, partition, heal) go to the up process's control endpoint.
// Each command prints what changed, read back from the admin API.

func newCtlCmd(s Streams) *cobra.Command {
	var statePath string
	cmd := &cobra.Command{
		Use:   "ctl",
		Short: "Change a running `stickylab up`: persistence, faults, latency, keys",
		Example: `  stickylab ctl status
  stickylab ctl persistence edge cookie
  stickylab ctl persistence dc-east none
  stickylab ctl stop dc-west
  stickylab ctl start dc-west
  stickylab ctl partition dc-west
  stickylab ctl heal dc-west
  stickylab ctl latency dc-west 200ms
  stickylab ctl rotate-key dc-east`,
		Args: cobra.NoArgs,
	}
	cmd.PersistentFlags().StringVar(&statePath, "state", "", "state file written by `stickylab up` (default $XDG_RUNTIME_DIR/stickylab/current.json)")
	load := func() (upState, error) {
		if statePath == "" {
			statePath = defaultStatePath(s)
		}
		return readState(statePath)
	}
	cmd.AddCommand(
		ctlStatusCmd(s, load),
		ctlPersistenceCmd(s, load),
		ctlLatencyCmd(s, load),
		ctlRotateCmd(s, load),
	)
	for _, f := range []struct{ action, short string }{
		{"stop", "Stop a datacenter (its load balancer and instances)"},
		{"start", "Start a stopped datacenter again"},
		{"partition", "Cut a datacenter off the edge's network"},
		{"heal", "Reconnect a partitioned datacenter"},
	} {
		cmd.AddCommand(ctlFaultCmd(s, load, f.action, f.short))
	}
	return cmd
}

type stateLoader func() (upState, error)

func ctlStatusCmd(s Streams, load stateLoader) *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Show the running lab as its load balancers report it",
		Args:  cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			st, err := load()
			if err != nil {
				return err
			}
			fmt.Fprintf(s.Out, "run %s (%s, %s runtime, pid %d)\n  edge %s\n", st.RunID, st.Topology, st.Runtime, st.PID, st.EdgeURL)
			if st.CAFile != "" {
				fmt.Fprintf(s.Out, "  CA   %s\n", st.CAFile)
			}
			for _, target := range append([]string{"edge"}, st.Datacenters...) {
				lb, err := getLB(cmd.Context(), st, target)
				if err != nil {
					return err
				}
				writeLB(s.Out, target, lb)
			}
			return nil
		}),
	}
}

func ctlPersistenceCmd(s Streams, load stateLoader) *cobra.Command {
	return &cobra.Command{
		Use:   "persistence TARGET none|cookie|source-ip",
		Short: "Set persistence at the edge or at a datacenter's load balancer",
		Example: `  stickylab ctl persistence edge cookie
  stickylab ctl persistence dc-east none`,
		Args: cobra.ExactArgs(2),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			persistence, err := policy.ParsePersistence(args[1])
			if err != nil {
				return badInput("%v", err)
			}
			st, err := load()
			if err != nil {
				return err
			}
			if err := checkLB(st, args[0]); err != nil {
				return err
			}
			return changeLB(cmd.Context(), s, st, args[0], http.MethodPatch, "/config", policy.Patch{Persistence: &persistence})
		}),
	}
}

func ctlLatencyCmd(s Streams, load stateLoader) *cobra.Command {
	return &cobra.Command{
		Use:     "latency DATACENTER DURATION",
		Short:   "Delay every request the edge sends to a datacenter (0 removes it)",
		Example: "  stickylab ctl latency dc-west 200ms",
		Args:    cobra.ExactArgs(2),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			d, err := time.ParseDuration(args[1])
			if err != nil || d < 0 {
				return badInput("latency %q: want a duration such as 200ms or 0", args[1])
			}
			st, err := load()
			if err != nil {
				return err
			}
			if err := checkDatacenter(st, args[0]); err != nil {
				return err
			}
			return changeLB(cmd.Context(), s, st, "edge", http.MethodPatch, "/members/"+args[0], policy.DelayMember(d))
		}),
	}
}

func ctlRotateCmd(s Streams, load stateLoader) *cobra.Command {
	return &cobra.Command{
		Use:   "rotate-key TARGET",
		Short: "Rotate the persistence-cookie key of the edge or a datacenter's load balancer",
		Long: `Rotate the key a load balancer encrypts its persistence cookie with. Cookies
issued before no longer decode: their users are re-pinned (reason=undecodable).`,
		Example: "  stickylab ctl rotate-key dc-east",
		Args:    cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			st, err := load()
			if err != nil {
				return err
			}
			if err := checkLB(st, args[0]); err != nil {
				return err
			}
			if err := changeLB(cmd.Context(), s, st, args[0], http.MethodPost, "/rotate-key", nil); err != nil {
				return err
			}
			fmt.Fprintf(s.Out, "%s: persistence key rotated; cookies it issued before are now undecodable and will be re-issued\n", args[0])
			return nil
		}),
	}
}

func ctlFaultCmd(s Streams, load stateLoader, action, short string) *cobra.Command {
	return &cobra.Command{
		Use:     action + " DATACENTER",
		Short:   short,
		Example: "  stickylab ctl " + action + " dc-west",
		Args:    cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			st, err := load()
			if err != nil {
				return err
			}
			if err := checkDatacenter(st, args[0]); err != nil {
				return err
			}
			before, _ := getLB(cmd.Context(), st, "edge")
			msg, err := callControl(cmd.Context(), st, action, args[0])
			if err != nil {
				return err
			}
			fmt.Fprintln(s.Out, msg)
			after, err := getLB(cmd.Context(), st, "edge")
			if err != nil {
				return err
			}
			printChanges(s.Out, "edge", before, after)
			return nil
		}),
	}
}

func checkDatacenter(st upState, dc string) error {
	if !slices.Contains(st.Datacenters, dc) {
		return badInput("no datacenter %q in run %s; datacenters: %s", dc, st.RunID, strings.Join(st.Datacenters, ", "))
	}
	return nil
}

func checkLB(st upState, target string) error {
	if target == "edge" {
		return nil
	}
	if err := checkDatacenter(st, target); err != nil {
		return badInput("target %q is neither edge nor a datacenter of run %s (%s)", target, st.RunID, strings.Join(st.Datacenters, ", "))
	}
	return nil
}

// lbState is a load balancer's GET /state (package policy's wire type).
type lbState = policy.State

var adminClient = &http.Client{Timeout: 15 * time.Second}

// adminCall sends one admin request and decodes the state it answers with.
func adminCall(ctx context.Context, st upState, target, method, path string, body any) (lbState, error) {
	var lb lbState
	base, ok := st.Admin[target]
	if !ok {
		return lb, badInput("no admin API for %q in the state file", target)
	}
	var rd io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(base, "/")+path, rd)
	if err != nil {
		return lb, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := adminClient.Do(req)
	if err != nil {
		return lb, fmt.Errorf("admin API of %s: %w (is `stickylab up` of run %s still running?)", target, err, st.RunID)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		var e struct{ Error, Field string }
		if json.Unmarshal(data, &e) == nil && e.Error != "" {
			return lb, fmt.Errorf("%s %s%s: %s", method, target, path, e.Error)
		}
		return lb, fmt.Errorf("%s %s%s: %s", method, target, path, resp.Status)
	}
	if err := json.Unmarshal(data, &lb); err != nil {
		return lb, fmt.Errorf("%s %s%s: unreadable state: %w", method, target, path, err)
	}
	return lb, nil
}

func getLB(ctx context.Context, st upState, target string) (lbState, error) {
	return adminCall(ctx, st, target, http.MethodGet, "/state", nil)
}

// changeLB reads the state, changes it, and prints the difference.
func changeLB(ctx context.Context, s Streams, st upState, target, method, path string, body any) error {
	before, err := getLB(ctx, st, target)
	if err != nil {
		return err
	}
	after, err := adminCall(ctx, st, target, method, path, body)
	if err != nil {
		return err
	}
	if !printChanges(s.Out, target, before, after) && method == http.MethodPatch {
		fmt.Fprintf(s.Out, "%s: nothing changed (already so)\n", target)
	}
	return nil
}

// printChanges prints each config field and member field that differs, and
// reports whether anything did.
func printChanges(w io.Writer, target string, before, after lbState) bool {
	changed := false
	b, a := flatten("", asMap(before.Config)), flatten("", asMap(after.Config))
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
		old[m.Name] = memberText(m.State, m.Healthy, m.Delay)
	}
	for _, m := range after.Members {
		if now := memberText(m.State, m.Healthy, m.Delay); old[m.Name] != now {
			fmt.Fprintf(w, "%s: member %s %s → %s\n", target, m.Name, orDash(old[m.Name]), now)
			changed = true
		}
	}
	return changed
}

// asMap is the config as its JSON object.
func asMap(c policy.Config) map[string]any {
	var m map[string]any
	data, _ := json.Marshal(c) // a Config always marshals
	_ = json.Unmarshal(data, &m)
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

func memberText(state string, healthy bool, delay policy.Duration) string {
	s := state
	if healthy {
		s += ", healthy"
	} else {
		s += ", unhealthy"
	}
	if delay != 0 {
		s += ", delay " + delay.String()
	}
	return s
}

func writeLB(w io.Writer, target string, lb lbState) {
	fmt.Fprintf(w, "%s (%s): selection %v, persistence %v, key generation %d\n", target, lb.Role, lb.Config.Selection, lb.Config.Persistence, lb.KeyGeneration)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, m := range lb.Members {
		fmt.Fprintf(tw, "  %s\t%s\t%d requests\n", m.Name, memberText(m.State, m.Healthy, m.Delay), m.Requests)
	}
	tw.Flush()
}
