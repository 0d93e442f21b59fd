package monitor

import "github.com/stickylab/stickylab/lab/replay"

// Unreachable is the failure class of a run whose request got no answer at
// all (connection refused, DNS, TLS): the endpoint is down, not the login.
const Unreachable = "unreachable"

// classify returns the run with its failure class refined: a transport error
// before any response is Unreachable.
func classify(run replay.Run) replay.Run {
	if run.OK || run.Failure != replay.HTTPError || len(run.Hops) == 0 {
		return run
	}
	if last := run.Hops[len(run.Hops)-1]; last.Status == 0 && last.Err != "" {
		run.Failure = Unreachable
	}
	return run
}

// failedDatacenter is the datacenter that answered the failing request, or
// "none" when nothing answered.
func failedDatacenter(run replay.Run) string {
	for i := len(run.Hops) - 1; i >= 0; i-- {
		if dc := run.Hops[i].Datacenter; dc != "" {
			return dc
		}
		if run.Hops[i].Status != 0 {
			break
		}
	}
	return "none"
}
