package scenarios_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/stickylab/stickylab/internal/haproxy"
	"github.com/stickylab/stickylab/internal/testenv"
	"github.com/stickylab/stickylab/lab/labtest"
	. "github.com/stickylab/stickylab/lab/matchers"
	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/stats"
	"github.com/stickylab/stickylab/lab/topology"
)

// haproxyIncident is the incident with Debian's HAProxy, not fakecdn, as
// every datacenter's balancer: cookie insert, round robin, health checks.
func haproxyIncident() topology.Topology {
	topo := topology.Default()
	for i := range topo.Datacenters {
		topo.Datacenters[i].LB = topology.Tier{Engine: topology.EngineHAProxy}
	}
	return topo
}

var _ = Describe("The incident with HAProxy as each datacenter's balancer", Label("real-haproxy"), labtest.SameLab, labtest.OwnShape, func() {
	proof := stats.RunsToDetect(0.01, 0.95)

	BeforeEach(func() {
		if _, err := haproxy.Binary(); err != nil {
			testenv.Skip(GinkgoT(), testenv.RequireHAProxy, "%v", err)
		}
	})

	It("fails logins at the model's rate (99.9 % interval), diagnosed from X-Served-By alone", func(ctx SpecContext) {
		topo := haproxyIncident()
		topo.Edge.DecisionHeaders = topology.Bool(false) // HAProxy sends none either
		l := labtest.Up(ctx, topo)
		expectTheIncident(labtest.Replay(ctx, l, replay.Login, labtest.Runs), l)
	}, SpecTimeout(labtest.ScenarioTimeout))

	It("never fails with cookie persistence at the edge (rate < 1 % at 95 %)", func(ctx SpecContext) {
		topo := haproxyIncident()
		topo.Edge.Persistence = "cookie"
		l := labtest.Up(ctx, topo)
		Expect(labtest.Replay(ctx, l, replay.Login, proof)).To(AllSucceed())
	}, SpecTimeout(labtest.ScenarioTimeout))
})
