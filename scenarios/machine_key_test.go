package scenarios_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/stickylab/stickylab/lab/labtest"
	. "github.com/stickylab/stickylab/lab/matchers"
	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/topology"
)

var _ = Describe("A shared machine key is only a partial fix", Label("machine-key"), func() {
	It("moves the failures to /account and drops the rate from 1 − Σ wᵢ³ to 1 − Σ wᵢ² (99.9 % interval)", func(ctx SpecContext) {
		topo := topology.Default()
		for i := range topo.Datacenters {
			topo.Datacenters[i].App.MachineKey = "shared"
		}
		l := labtest.Up(ctx, topo)
		res := labtest.Replay(ctx, l, replay.Login, labtest.Runs)

		Expect(labtest.Expected(l, replay.Login).FailureRate).To(BeNumerically("~", 0.5, 1e-9))
		Expect(res).To(HaveFailureRateNearAt(labtest.Expected(l, replay.Login), labtest.Confidence))
		Expect(res).To(HaveFailuresExplainedBy("session-missing"))
		Expect(res.Summary().Causes).NotTo(HaveKey("antiforgery-undecryptable"))
	}, SpecTimeout(labtest.ScenarioTimeout))
})
