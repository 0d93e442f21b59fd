package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/stickylab/stickylab/lab"
)

// cleanTimeout bounds removing every leftover container and network.
const cleanTimeout = 2 * time.Minute

func newCleanCmd(s Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "clean",
		Short: "Remove every leftover stickylab container and network",
		Args:  cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := context.WithTimeout(cmd.Context(), cleanTimeout)
			defer cancel()
			if err := lab.Clean(ctx); err != nil {
				return fmt.Errorf("clean: %w", err)
			}
			fmt.Fprintln(s.Out, "clean: no container or network labelled stickylab.run is left (the local runtime leaves nothing behind)")
			return nil
		}),
	}
}
