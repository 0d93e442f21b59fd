package scenarios_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/stickylab/stickylab/lab/labtest"
	. "github.com/stickylab/stickylab/lab/matchers"
	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/stats"
)

var _ = Describe("The architectural fix: a shared key and one shared Redis session store", Label("shared-store"), labtest.OwnShape, func() {
	// Enough runs to claim a failure rate below 1 % at 95 % confidence when none fails.
	proof := stats.RunsToDetect(0.01, 0.95)

	It("logs everyone in with no persistence anywhere (rate < 1 % at 95 %)", func(ctx SpecContext) {
		l := labtest.Up(ctx, redisSessions("shared"))

		Expect(labtest.Expected(l, replay.Login).FailureRate).To(BeZero())
		Expect(labtest.Replay(ctx, l, replay.Login, proof)).To(AllSucceed())
	}, SpecTimeout(labtest.ScenarioTimeout))
})
