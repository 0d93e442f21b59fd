package scenarios_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/stickylab/stickylab/fakecdn/policy"
	"github.com/stickylab/stickylab/lab/labtest"
	. "github.com/stickylab/stickylab/lab/matchers"
	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/topology"
)

var _ = Describe("Failover: a datacenter goes down under edge persistence", Label("failover"), func() {
	// Without passthrough the edge keeps balancing with cookies while one
	// datacenter is left, so users pinned to the lost one are re-pinned
	// (failover) or refused (strict) instead of silently passed through.
	pinnedAtTheEdge := func(onDown policy.MemberDown) topology.Topology {
		topo := topology.Default()
		topo.Edge.Persistence = "cookie"
		topo.Edge.PassthroughSingle = topology.Bool(false)
		topo.Edge.OnMemberDown = onDown
		return topo
	}

	It("loses the runs caught mid-flow, serves new runs from the survivor, and fails back", func(ctx SpecContext) {
		l := labtest.Up(ctx, pinnedAtTheEdge("failover"))

		phases := labtest.ReplayAround(ctx, l, replay.Login, labtest.AroundAFault, func() {
			Expect(l.StopDatacenter(ctx, "dc-east")).To(Succeed())
		})

		Expect(phases.Before).To(AllSucceed())
		Expect(phases.Straddling.Summary().Failures).To(BeNumerically(">", 0), "users pinned to dc-east mid-flow lose their login")
		Expect(phases.All).To(HaveFailuresExplainedBy("failover"))
		Expect(phases.After).To(AllSucceed())
		Expect(phases.After.Summary().Datacenters).NotTo(HaveKey("dc-east"))

		By("bringing dc-east back: the edge uses it again for new users")
		Expect(l.StartDatacenter(ctx, "dc-east")).To(Succeed())
		back := labtest.Replay(ctx, l, replay.Login, labtest.Runs)
		Expect(back).To(AllSucceed())
		Expect(back.Summary().Datacenters).To(HaveKey("dc-east"))
	}, SpecTimeout(labtest.ScenarioTimeout))

	It("answers 503 to the pinned users under on_member_down: strict", func(ctx SpecContext) {
		l := labtest.Up(ctx, pinnedAtTheEdge("strict"))

		phases := labtest.ReplayAround(ctx, l, replay.Login, labtest.AroundAFault, func() {
			Expect(l.StopDatacenter(ctx, "dc-east")).To(Succeed())
		})

		Expect(labtest.Statuses(phases.Straddling)).To(ContainElement(503), "the edge refuses users pinned to a down datacenter")
		Expect(phases.After).To(AllSucceed())
	}, SpecTimeout(labtest.ScenarioTimeout))
})
