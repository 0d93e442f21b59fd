package scenarios_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/stickylab/stickylab/lab/labtest"
	. "github.com/stickylab/stickylab/lab/matchers"
	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/topology"
)

// A replicated session store: the primary in dc-east, a replica in dc-west
// fed over the WAN. Every sign-in writes the primary; the next request reads
// the store of the datacenter it lands in. In dc-west it finds the session
// only once it has replicated: P(fail) = Σⱼ≠ₚ wⱼ·P(g < Lⱼ), with g the gap
// after the write and Lⱼ the replication lag (docs/analysis.md,
// "Replicated sessions").
var _ = Describe("A replicated session store", Label("replication-lag"), labtest.SameLab, labtest.OwnShape, func() {
	// lag dwarfs the gap between a sign-in and the next request on any
	// engine (milliseconds), and stays far below redis's 60 s repl-timeout.
	const lag = 5 * time.Second
	// userLatency is the users' one-way latency to a datacenter: a
	// continent away, and far longer than a replica on a LAN trails even
	// on a loaded machine (milliseconds).
	const userLatency = 100 * time.Millisecond
	// A tenth of the users (30 of labtest.Runs: enough to show that none
	// of them fails) wait, after signing in, until their session has
	// replicated: each of them holds one of the replay's FarUsers slots for
	// about lag.
	waits := func(run int) bool { return run%10 == 0 }

	replicated := func() topology.Topology {
		topo := redisSessions("replicated")
		topo.Redis.Primary = "dc-east"
		return topo
	}

	It("fails no login when the replication link is faster than the users' way to the datacenter (below 5 % at 99.9 %)", func(ctx SpecContext) {
		l := labtest.Up(ctx, replicated())
		// Users reach a datacenter over the internet: their next request
		// comes a round trip after the sign-in, not the millisecond of a
		// client on the lab's own machine, where even a LAN replica can
		// trail a busy primary.
		labtest.SlowDown(ctx, l, userLatency)
		res := labtest.ReplayUsers(ctx, l, replay.Login, labtest.Runs, labtest.FarUsers)

		Expect(labtest.ExpectedOf(l, replay.Login, res).FailureRate).To(BeZero())
		Expect(res).To(HaveFailureRateBelowAt(0.05, labtest.Confidence))
	}, SpecTimeout(labtest.ScenarioTimeout))

	It("fails the logins that read the replica before the session reached it, at Σⱼ≠ₚ wⱼ·P(g < Lⱼ) (99.9 % interval)", func(ctx SpecContext) {
		l := labtest.Up(ctx, replicated())
		labtest.DelayReplication(ctx, l, "dc-west", lag)
		res := labtest.ReplayUsers(ctx, l, replay.Login, labtest.Runs, labtest.FarUsers, labtest.UntilReplicated(l, waits))

		waited := res.Where(func(r replay.Run) bool { return waits(r.Index) })
		Expect(waited).To(AllSucceed(), "the runs held until their session replicated")
		hurried := res.Where(func(r replay.Run) bool { return !waits(r.Index) })
		Expect(labtest.ExpectedOf(l, replay.Login, hurried).FailureRate).To(BeNumerically("~", 0.5, 1e-9))
		Expect(hurried).To(HaveFailureRateNearAt(labtest.ExpectedOf(l, replay.Login, hurried), labtest.Confidence))
		Expect(res).To(HaveFailureRateNearAt(labtest.ExpectedOf(l, replay.Login, res), labtest.Confidence))
		Expect(res).To(HaveFailuresExplainedBy("replication-lag"))
	}, SpecTimeout(labtest.ScenarioTimeout))
})
