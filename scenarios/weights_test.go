package scenarios_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/stickylab/stickylab/lab/labtest"
	. "github.com/stickylab/stickylab/lab/matchers"
	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/topology"
)

// A worked example for the README: one story, one topology, one claim.
var _ = Describe("Unequal datacenters", Label("weights"), func() {
	It("fail less often when one datacenter takes most of the traffic (1 − Σ wᵢ³, 99.9 % interval)", func(ctx SpecContext) {
		// Topology: the incident, but dc-west takes three quarters of the traffic.
		topo := topology.Default()
		topo.Datacenters[1].Weight = 3
		l := labtest.Up(ctx, topo)

		// Traffic: 300 logins through the edge, 8 users at a time.
		res := labtest.Replay(ctx, l, replay.Login, labtest.Runs)

		// The model: 1 − (¼³ + ¾³) = 56.25 %, below the 75 % of equal weights.
		model := labtest.Expected(l, replay.Login)
		Expect(model.FailureRate).To(BeNumerically("~", 0.5625, 1e-9))
		Expect(res).To(HaveFailureRateNearAt(model, labtest.Confidence))
		Expect(res).To(HaveFailuresExplainedBy("cross-datacenter"))
	}, SpecTimeout(labtest.ScenarioTimeout))
})
