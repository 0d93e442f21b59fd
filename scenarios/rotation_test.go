package scenarios_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/stickylab/stickylab/lab/labtest"
	. "github.com/stickylab/stickylab/lab/matchers"
	"github.com/stickylab/stickylab/lab/replay"
)

var _ = Describe("Key rotation at a datacenter load balancer", Label("rotation"), func() {
	// The key rotates while a wave of 32 users is held between the login
	// POST and /account; the LB re-picks the other instance for about half
	// of them, so missing every loss has a probability near 2^-32.
	It("makes in-flight lbs cookies undecodable, and the re-picked instance has no session", func(ctx SpecContext) {
		l := labtest.Up(ctx, labtest.Datacenters(1))

		phases := labtest.ReplayAround(ctx, l, replay.Login, labtest.AroundAFault, func() {
			Expect(l.RotateKey(ctx, "dc-east")).To(Succeed())
		})

		Expect(phases.Before).To(AllSucceed())
		Expect(phases.Straddling.Summary().Failures).To(BeNumerically(">", 0), "sessions are lost when the LB re-picks")
		Expect(phases.All).To(HaveFailuresExplainedBy("key-rotation"))
		Expect(phases.After).To(AllSucceed())
	}, SpecTimeout(labtest.ScenarioTimeout))
})
