package report

import (
	"fmt"

	"github.com/stickylab/stickylab/lab/replay"
)

// partialText says how much of an interrupted replay completed, and why it
// stopped: "37 of 200 planned runs completed; interrupted: context canceled;
// 3 runs cut mid-flow are not counted". res is already Completed.
func partialText(res *replay.Result) string {
	text := fmt.Sprintf("%d runs completed", len(res.Runs))
	if res.Planned > 0 {
		text = fmt.Sprintf("%d of %d planned runs completed", len(res.Runs), res.Planned)
	}
	text += "; interrupted: " + res.Interrupted
	if res.Dropped > 0 {
		text += fmt.Sprintf("; %d runs cut mid-flow are not counted", res.Dropped)
	}
	return text
}

// banner opens a report whose replays were interrupted: how many runs of how
// many planned completed, over every act, and that the figures cover only those.
func (m *md) banner(acts []Act) {
	done, planned, why, unbounded := 0, 0, "", false
	for _, a := range acts {
		res := a.Result.Completed()
		if res == nil {
			continue
		}
		done += len(res.Runs)
		planned += max(res.Planned, len(res.Runs))
		unbounded = unbounded || res.Planned == 0
		if res.Partial() && why == "" {
			why = res.Interrupted
		}
	}
	if why == "" {
		return
	}
	count := fmt.Sprintf("%d of %d planned runs completed", done, planned)
	if unbounded {
		count = fmt.Sprintf("%d runs completed", done)
	}
	m.f("> **Partial report: %s.** The replay was interrupted (%s); the figures below cover the completed runs only.\n\n", count, why)
}
