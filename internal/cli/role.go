package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/stickylab/stickylab/internal/containerfiles"
)

// errReported marks a failure its command has already reported on stderr.
var errReported = errors.New("reported by the command")

// newRoleCmd mounts one of the lab's container roles. The Docker runtime
// runs this very binary as `stickylab fakeapp …` and `stickylab fakecdn …`,
// so the arguments go through untouched: the flags, environment variables,
// help and exit codes are exactly those of bin/fakeapp and bin/fakecdn.
// Before the role starts, it writes out the files the runtime handed it in
// containerfiles.Env.
func newRoleCmd(s Streams, name, short string, main func(ctx context.Context, args []string, stdout, stderr io.Writer) int) *cobra.Command {
	return &cobra.Command{
		Use:                name + " [flags]",
		Short:              short,
		Long:               short + ".\nThe flags are those of bin/" + name + "; see `stickylab " + name + " --help`.",
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			// The Docker runtime hands a container its files this way
			// (see containerfiles); elsewhere the variable is unset.
			if err := containerfiles.Write(); err != nil {
				fmt.Fprintf(s.Err, "%s: %v\n", name, err)
				return &exitError{code: ExitUsage, err: errReported}
			}
			if code := main(cmd.Context(), args, s.Out, s.Err); code != ExitOK {
				return &exitError{code: code, err: errReported}
			}
			return nil
		},
	}
}

// newHiddenRoleCmd is a role only the lab's containers run; it has no
// bin/ program of its own, so help does not list it.
func newHiddenRoleCmd(s Streams, name, short string, main func(ctx context.Context, args []string, stdout, stderr io.Writer) int) *cobra.Command {
	c := newRoleCmd(s, name, short, main)
	c.Long = short + ".\nSee `stickylab " + name + " --help` for its flags."
	c.Hidden = true
	return c
}
