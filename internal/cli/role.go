package cli

import (
	"context"
	"errors"
	"io"

	"github.com/spf13/cobra"
)

// errReported marks a failure its command has already reported on stderr.
var errReported = errors.New("reported by the command")

// newRoleCmd mounts one of the lab's container roles. The Docker runtime
// runs this very binary as `stickylab fakeapp …` and `stickylab fakecdn …`,
// so the arguments go through untouched: the flags, environment variables,
// help and exit codes are exactly those of bin/fakeapp and bin/fakecdn.
func newRoleCmd(s Streams, name, short string, main func(ctx context.Context, args []string, stdout, stderr io.Writer) int) *cobra.Command {
	return &cobra.Command{
		Use:                name + " [flags]",
		Short:              short,
		Long:               short + ".\nThe flags are those of bin/" + name + "; see `stickylab " + name + " --help`.",
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if code := main(cmd.Context(), args, s.Out, s.Err); code != ExitOK {
				return &exitError{code: code, err: errReported}
			}
			return nil
		},
	}
}

// hidden keeps a role out of the help: users never run it by hand.
func hidden(cmd *cobra.Command) *cobra.Command {
	cmd.Hidden = true
	return cmd
}
