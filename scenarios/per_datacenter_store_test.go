package scenarios_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/stickylab/stickylab/lab/labtest"
	. "github.com/stickylab/stickylab/lab/matchers"
	"github.com/stickylab/stickylab/lab/replay"
)

var _ = Describe("A Redis store per datacenter is only a partial fix", Label("per-datacenter-store"), labtest.OwnShape, func() {
	It("fails logins at 1 − Σ wᵢ² (99.9 % interval): sessions do not travel between datacenters", func(ctx SpecContext) {
		l := labtest.Up(ctx, redisSessions("per-datacenter"))
		res := labtest.Replay(ctx, l, replay.Login, labtest.Runs)

		Expect(labtest.Expected(l, replay.Login).FailureRate).To(BeNumerically("~", 0.5, 1e-9))
		Expect(res).To(HaveFailureRateNearAt(labtest.Expected(l, replay.Login), labtest.Confidence))
		Expect(res).To(HaveFailuresExplainedBy("session-missing"))
		Expect(res.Summary().Causes).NotTo(HaveKey("antiforgery-undecryptable"))
	}, SpecTimeout(labtest.ScenarioTimeout))
})
