package scenarios_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/stickylab/stickylab/lab/labtest"
	. "github.com/stickylab/stickylab/lab/matchers"
	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/topology"
)

var _ = Describe("Keep-alive does not help when the edge decides per request", Label("keepalive"), func() {
	It("fails at the same rate over one reused connection per client (99.9 % interval)", func(ctx SpecContext) {
		l := labtest.Up(ctx, topology.Default())
		res := labtest.Replay(ctx, l, replay.Login, labtest.Runs, replay.WithReuseConnections())

		Expect(res).To(FailIntermittently())
		Expect(res).To(HaveFailureRateNearAt(labtest.Expected(l, replay.Login), labtest.Confidence))
		Expect(res).To(HaveFailuresExplainedBy("cross-datacenter"))
	}, SpecTimeout(labtest.ScenarioTimeout))
})
