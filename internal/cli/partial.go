package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/stickylab/stickylab/lab/replay"
)

// writePartial says, above the result table, that an interrupted replay's
// figures cover only the runs it completed; it prints nothing for a replay
// that ran to its end. res is already Completed.
func writePartial(w io.Writer, p palette, res *replay.Result) {
	if !res.Partial() {
		return
	}
	text := fmt.Sprintf("partial: interrupted (%s) after %d of %d runs; the figures below cover those %d runs only",
		res.Interrupted, len(res.Runs), res.Planned, len(res.Runs))
	if res.Dropped > 0 {
		text += fmt.Sprintf(" (%d cut mid-flow are not counted)", res.Dropped)
	}
	fmt.Fprintln(w, p.yellow(text))
	fmt.Fprintln(w)
}

// stopReason says why a command stopped short: the context's cause when it
// ended (Ctrl-C: "context canceled"), else err in one line; "" for no error.
func stopReason(ctx context.Context, err error) string {
	switch {
	case err == nil:
		return ""
	case ctx.Err() != nil:
		return context.Cause(ctx).Error()
	}
	return oneLine(err.Error())
}
