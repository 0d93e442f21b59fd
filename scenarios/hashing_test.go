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

var _ = Describe("Hashing pitfalls at the edge", Label("hashing"), func() {
	It("fails with consistent hashing on ASP.NET_SessionId: the first request carries no such cookie", func(ctx SpecContext) {
		topo := topology.Default()
		topo.Edge.Selection = "consistent-hash"
		topo.Edge.HashCookie = "ASP.NET_SessionId"
		l := labtest.Up(ctx, topo)
		res := labtest.Replay(ctx, l, replay.Login, labtest.Runs)

		Expect(res).To(FailIntermittently())
		Expect(res).To(HaveCrossedDatacenters())
		Expect(labtest.Expected(l, replay.Login).Applies).To(BeFalse(), "the model only covers random selection")
	}, SpecTimeout(labtest.ScenarioTimeout))

	It("never fails with source-IP affinity behind one client address, but sends every request to one datacenter", func(ctx SpecContext) {
		topo := topology.Default()
		topo.Edge.Selection = "source-ip"
		l := labtest.Up(ctx, topo)
		res := labtest.Replay(ctx, l, replay.Login, stats.RunsToDetect(0.01, 0.95))

		Expect(res).To(AllSucceed())
		Expect(res.Summary().Datacenters).To(HaveLen(1), "one client address hashes to one datacenter: the other idles")
	}, SpecTimeout(labtest.ScenarioTimeout))
})
