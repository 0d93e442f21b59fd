// Package cli is the stickylab command line: run, up, replay, demo, clean,
// version and ctl. main only calls Main; tests call Execute with their own
// arguments and buffers.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/stickylab/stickylab/internal/fakeappcmd"
	"github.com/stickylab/stickylab/internal/fakecdncmd"
	"github.com/stickylab/stickylab/internal/haproxycmd"
	"github.com/stickylab/stickylab/internal/toxiserver"
)

// Exit codes.
const (
	ExitOK          = 0
	ExitFailure     = 1   // infrastructure failure: the lab or a network did not do its part
	ExitUsage       = 2   // bad input: flags, values, topology file, URL
	ExitInterrupted = 130 // Ctrl-C or SIGTERM; everything started was torn down
)

// Version is set with -ldflags "-X github.com/stickylab/stickylab/internal/cli.Version=v1.2.3".
var Version = "dev"

// Streams are the command's standard streams. Colour, progress bars and
// pauses are only used when the matching stream is a terminal.
type Streams struct {
	In       io.Reader
	Out, Err io.Writer
	// Env looks up environment variables (NO_COLOR, XDG_RUNTIME_DIR); nil means os.Getenv.
	Env func(string) string
	// progress, when set, sees every replay's progress (runs done, of
	// total): tests interrupt a command mid-replay with it.
	progress func(done, total int)
}

func (s Streams) getenv(key string) string {
	if s.Env == nil {
		return os.Getenv(key)
	}
	return s.Env(key)
}

// exitError carries the exit code chosen where the error was made.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// badInput marks an error as the user's input: exit 2, nothing started.
func badInput(format string, args ...any) error {
	return &exitError{code: ExitUsage, err: fmt.Errorf(format, args...)}
}

// asBadInput marks err as bad input, keeping its message.
func asBadInput(err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: ExitUsage, err: err}
}

// Main runs stickylab with the process's arguments, streams and signals.
func Main() int {
	ctx, stop := notifyContext(context.Background())
	defer stop()
	return Execute(ctx, os.Args[1:], Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr})
}

// Execute runs the command line args and returns the exit code. An error
// is printed once, on one line, as "stickylab: <error>".
func Execute(ctx context.Context, args []string, s Streams) int {
	root := NewRoot(s)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) && errors.Is(err, errReported) {
		return ee.code // a role command has said why, in its own words
	}
	code := ExitUsage // errors cobra returns itself: unknown command, flag or value
	if errors.As(err, &ee) {
		code = ee.code
	}
	if ctx.Err() != nil {
		code = ExitInterrupted
		err = fmt.Errorf("interrupted; everything started was torn down (%s)", oneLine(err.Error()))
	}
	fmt.Fprintf(s.Err, "stickylab: %s\n", oneLine(err.Error()))
	return code
}

// NewRoot builds the command tree.
func NewRoot(s Streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "stickylab",
		Short: "A multi-datacenter sticky-session failure lab",
		Long: `stickylab starts fake login apps in several datacenters behind a fake CDN,
replays login flows through them, and tells you whether logins fail, how
often, and why.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(s.In)
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return badInput("%s: %w (see %s --help)", c.Name(), err, c.CommandPath())
	})
	root.CompletionOptions.DisableDefaultCmd = true
	root.AddCommand(
		newRunCmd(s),
		newUpCmd(s),
		newReplayCmd(s),
		newDemoCmd(s),
		newCleanCmd(s),
		newVersionCmd(s),
		newCtlCmd(s),
		newMonitorCmd(s),
		newRoleCmd(s, "fakeapp", "Serve the lab's login app (what the lab's app containers run)", fakeappcmd.Main),
		newRoleCmd(s, "fakecdn", "Serve a lab load balancer (what the lab's edge and LB containers run)",
			func(ctx context.Context, args []string, _, stderr io.Writer) int {
				return fakecdncmd.Main(ctx, args, stderr)
			}),
		newHiddenRoleCmd(s, "haproxy", "Serve a datacenter LB on HAProxy (what the lab's HAProxy containers run)",
			func(ctx context.Context, args []string, _, stderr io.Writer) int {
				return haproxycmd.Main(ctx, args, stderr)
			}),
		newHiddenRoleCmd(s, "toxiproxy", "Serve Toxiproxy's API (what the lab's WAN-link container runs)", toxiserver.Main),
	)
	return root
}

// runE turns a command's plain errors into infrastructure failures (exit 1);
// errors already marked (badInput) keep their code.
func runE(fn func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		err := fn(cmd, args)
		if err == nil {
			return nil
		}
		var ee *exitError
		if errors.As(err, &ee) {
			return err
		}
		return &exitError{code: ExitFailure, err: err}
	}
}

// oneLine keeps an error on one line: the first line, and how many more.
func oneLine(msg string) string {
	msg = strings.TrimSpace(msg)
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		rest := strings.Count(msg[i:], "\n")
		msg = strings.TrimSpace(msg[:i]) + fmt.Sprintf(" (+%d more lines)", rest)
	}
	return msg
}
