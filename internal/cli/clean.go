package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/stickylab/stickylab/lab"
)

// cleanTimeout bounds removing every leftover container and network.
const cleanTimeout = 2 * time.Minute

// cleaners are what `clean` and `clean --all` call; tests swap them for
// fakes so that they never empty the shared engine.
type cleaners struct {
	dead, all func(context.Context) (lab.Cleaned, error)
}

func newCleanCmd(s Streams) *cobra.Command {
	return newCleanCmdWith(s, cleaners{dead: lab.Clean, all: lab.CleanAll})
}

func newCleanCmdWith(s Streams, c cleaners) *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:   "clean [--all]",
		Short: "Remove what runs whose owner process is gone left behind (--all: every lab, live ones too)",
		Long: `clean removes the containers and networks of stickylab runs whose owner
process is gone (a killed test, a crashed CLI). Live labs stay: another
terminal's "stickylab up", a parallel test process. Images stay too: they are
the build cache.

clean --all also removes live labs and the images stickylab built.`,
		Example: `  stickylab clean
  stickylab clean --all`,
		Args: cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := context.WithTimeout(cmd.Context(), cleanTimeout)
			defer cancel()
			remove := c.dead
			if all {
				remove = c.all
			}
			r, err := remove(ctx)
			writeCleaned(s.Out, r, all)
			if err != nil {
				return fmt.Errorf("clean: %w", err)
			}
			return nil
		}),
	}
	cmd.Flags().BoolVar(&all, "all", false, "also remove live labs (of running processes) and stickylab's images")
	return cmd
}

// writeCleaned says how many containers, networks and images were removed,
// and which live labs were kept.
func writeCleaned(w io.Writer, r lab.Cleaned, all bool) {
	whose := "of runs whose owner process is gone"
	if all {
		whose = "of every run, live or not"
	}
	fmt.Fprintf(w, "clean: removed %s, %s and %s %s\n", count(r.Containers, "container"), count(r.Networks, "network"),
		count(r.Images, "image"), whose)
	if len(r.Kept) > 0 {
		fmt.Fprintf(w, "clean: kept %s whose owner is alive or on another host (%s); `stickylab clean --all` removes them too\n",
			count(len(r.Kept), "lab"), strings.Join(r.Kept, ", "))
	}
}

// count says "1 network", "2 networks".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
