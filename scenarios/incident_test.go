package scenarios_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/stickylab/stickylab/lab"
	"github.com/stickylab/stickylab/lab/labtest"
	. "github.com/stickylab/stickylab/lab/matchers"
	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/stats"
	"github.com/stickylab/stickylab/lab/topology"
)

var _ = Describe("The incident: the CDN balances across datacenters without persistence", Label("incident"), func() {
	// Enough runs to claim a failure rate below 1 % at 95 % confidence when none fails.
	proof := stats.RunsToDetect(0.01, 0.95)

	It("logs everyone in while one datacenter serves (rate < 1 % at 95 %)", func(ctx SpecContext) {
		l := labtest.Up(ctx, labtest.Datacenters(1))
		Expect(labtest.Replay(ctx, l, replay.Login, proof)).To(AllSucceed())
	}, SpecTimeout(labtest.ScenarioTimeout))

	It("fails logins intermittently at the model's rate 1 − Σ wᵢ³ (99.9 % interval) when two datacenters share the traffic", func(ctx SpecContext) {
		l := labtest.Up(ctx, topology.Default())
		expectTheIncident(labtest.Replay(ctx, l, replay.Login, labtest.Runs), l)
	}, SpecTimeout(labtest.ScenarioTimeout))

	It("never fails with cookie persistence at the edge (rate < 1 % at 95 %)", func(ctx SpecContext) {
		topo := topology.Default()
		topo.Edge.Persistence = "cookie"
		l := labtest.Up(ctx, topo)
		Expect(labtest.Replay(ctx, l, replay.Login, proof)).To(AllSucceed())
	}, SpecTimeout(labtest.ScenarioTimeout))

	It("stops failing once persistence is switched on at the edge while traffic runs", func(ctx SpecContext) {
		l := labtest.Up(ctx, topology.Default())
		phases := labtest.ReplayAround(ctx, l, replay.Login, labtest.AroundAFault, func() {
			Expect(l.SetEdgePersistence(ctx, "cookie")).To(Succeed())
		})

		Expect(phases.Before).To(FailIntermittently())
		Expect(phases.Before).To(HaveFailuresExplainedBy("cross-datacenter"))
		Expect(phases.After).To(AllSucceed())
	}, SpecTimeout(labtest.ScenarioTimeout))
})

// expectTheIncident is the incident's signature: intermittent failures at
// the model's rate, every one a crossing between datacenters that re-issued
// the datacenter LB's lbs cookie.
func expectTheIncident(res *replay.Result, l *lab.Lab) {
	GinkgoHelper()
	Expect(res).To(FailIntermittently())
	Expect(res).To(HaveFailureRateNearAt(labtest.Expected(l, replay.Login), labtest.Confidence))
	Expect(res).To(HaveFailuresExplainedBy("cross-datacenter"))
	Expect(res).To(HaveCrossedDatacenters())
	Expect(res).To(HaveReissuedCookie("lbs"))
}
