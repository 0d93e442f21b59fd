package scenarios_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/stickylab/stickylab/lab/labtest"
	. "github.com/stickylab/stickylab/lab/matchers"
	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/stats"
	"github.com/stickylab/stickylab/lab/topology"
)

var _ = Describe("Why it hid: one datacenter cut off", Label("partition"), func() {
	It("passes through to the survivor, then fails again once the partition heals", func(ctx SpecContext) {
		l := labtest.Up(ctx, topology.Default())

		By("partitioning dc-west from the edge: the edge passes everything to dc-east")
		Expect(l.PartitionDatacenter(ctx, "dc-west")).To(Succeed())
		cut := labtest.Replay(ctx, l, replay.Login, stats.RunsToDetect(0.01, 0.95))
		Expect(cut).To(AllSucceed())
		Expect(cut.Summary().Datacenters).To(HaveKey("dc-east"))
		Expect(cut.Summary().Datacenters).NotTo(HaveKey("dc-west"))

		By("healing it: the edge balances again and logins fail at the model's rate")
		Expect(l.HealDatacenter(ctx, "dc-west")).To(Succeed())
		healed := labtest.Replay(ctx, l, replay.Login, labtest.Runs)
		Expect(healed).To(FailIntermittently())
		Expect(healed).To(HaveFailureRateNearAt(labtest.Expected(l, replay.Login), labtest.Confidence))
	}, SpecTimeout(labtest.ScenarioTimeout))
})
