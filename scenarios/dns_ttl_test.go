package scenarios_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/stickylab/stickylab/lab/labtest"
	. "github.com/stickylab/stickylab/lab/matchers"
	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/stats"
	"github.com/stickylab/stickylab/lab/topology"
)

// Why the incident was intermittent and hard to see: with GTM-style DNS
// steering a user's resolver keeps one datacenter for the TTL, so a login
// crosses datacenters only when its resolver's answer expires in the middle
// of it. Failures are rare and come in bursts around expiries: a monitor
// sees an alert, then nothing. (docs/analysis.md, "DNS steering".)
var _ = Describe("DNS steering", Label("dns-ttl"), labtest.SameLab, func() {
	const locations = 8 // resolvers, each shared by many users

	dnsEdge := func(ttl time.Duration) topology.Topology {
		topo := topology.Default()
		topo.Edge.Steering, topo.Edge.DNSTTL = "dns", ttl
		return topo
	}

	It("with a 0 s TTL fails like per-request balancing: every request is a fresh lookup (99.9 % interval)", func(ctx SpecContext) {
		l := labtest.Up(ctx, dnsEdge(0))
		res := labtest.Replay(ctx, l, replay.Login, labtest.Runs, replay.WithLocations(locations))

		model := labtest.Expected(l, replay.Login)
		Expect(model.FailureRate).To(BeNumerically("~", 0.75, 1e-9))
		Expect(res).To(HaveFailureRateNearAt(model, labtest.Confidence))
		Expect(res).To(HaveFailuresExplainedBy("cross-datacenter"))
	}, SpecTimeout(labtest.ScenarioTimeout))

	It("with a 60 s TTL almost never fails: a login is far shorter than the answer lives", func(ctx SpecContext) {
		l := labtest.Up(ctx, dnsEdge(time.Minute))
		res := labtest.Replay(ctx, l, replay.Login, labtest.Runs, replay.WithLocations(locations))

		Expect(res).To(HaveFailureRate(BeNumerically("<", 0.03)))
		Expect(res).To(HaveFailureRateNearAt(stats.ExpectedPaced(labtest.Running(l), replay.Login.Requests(), time.Second), labtest.Confidence))
	}, SpecTimeout(labtest.ScenarioTimeout))

	It("fails only the users whose resolver's answer expired while they read the login page", func(ctx SpecContext) {
		const ttl = 300 * time.Millisecond
		l := labtest.Up(ctx, dnsEdge(ttl))
		res := labtest.Replay(ctx, l, replay.Login, labtest.Runs/2, replay.WithLocations(locations),
			replay.WithThinkTime("login-page", 2*ttl, replay.EvenRuns))

		// A reader's sign-in is a fresh lookup: another datacenter with
		// probability 1 − Σ wᵢ² = 50 %; the model with q = 1 for that gap.
		paused := res.Where(func(r replay.Run) bool { return replay.EvenRuns(r.Index) })
		Expect(paused).To(HaveFailureRateNearAt(stats.Model{Applies: true, FailureRate: 0.5, Why: "one fresh lookup mid-flow"}, labtest.Confidence))
		Expect(paused).To(HaveFailuresExplainedBy("cross-datacenter"))
		hurried := res.Where(func(r replay.Run) bool { return !replay.EvenRuns(r.Index) })
		Expect(hurried.Summary().FailureRate).To(BeNumerically("<", paused.Summary().FailureRate))
	}, SpecTimeout(labtest.ScenarioTimeout))
})
