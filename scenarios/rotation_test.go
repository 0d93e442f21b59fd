package scenarios_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/stickylab/stickylab/lab/labtest"
	. "github.com/stickylab/stickylab/lab/matchers"
	"github.com/stickylab/stickylab/lab/replay"
)

var _ = Describe("Key rotation at a datacenter load balancer", Label("rotation"), func() {
	// With ~1/3 of the runs in flight between the login POST and /account and a
	// 1-in-2 chance that the LB re-picks the other instance, missing every loss
	// has a probability near 2^-10.
	It("makes in-flight lbs cookies undecodable, and the re-picked instance has no session", func(ctx SpecContext) {
		l := labtest.Up(ctx, labtest.Datacenters(1))
		labtest.SlowDown(ctx, l, labtest.MidFlowLatency)

		phases := labtest.ReplayAround(ctx, l, replay.Login, labtest.Runs, func() {
			Expect(l.RotateKey(ctx, "dc-east")).To(Succeed())
		}, replay.WithTimeout(labtest.RequestTimeout))

		Expect(phases.Before).To(AllSucceed())
		Expect(phases.Straddling.Summary().Failures).To(BeNumerically(">", 0), "sessions are lost when the LB re-picks")
		Expect(phases.Straddling).To(HaveFailuresExplainedBy("key-rotation"))
		Expect(phases.After).To(AllSucceed())
	}, SpecTimeout(labtest.ScenarioTimeout))
})
