package scenarios_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/stickylab/stickylab/fakecdn/policy"
	"github.com/stickylab/stickylab/lab/labtest"
	. "github.com/stickylab/stickylab/lab/matchers"
	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/stats"
	"github.com/stickylab/stickylab/lab/topology"
)

// Edge persistence fixes the incident only while the stickiness cookie
// lives. With a max-idle shorter than a user's pause, the edge finds the
// cookie expired (HAProxy letter E in its access log), treats it as absent
// and balances the next request afresh: the users who paused fail, the
// others do not.
var _ = Describe("A stickiness cookie that expires mid-session", Label("cookie-expiry"), func() {
	It("fails the logins of users who pause longer than the cookie's max-idle (99.9 % interval)", func(ctx SpecContext) {
		const maxIdle = 300 * time.Millisecond
		topo := topology.Default()
		topo.Edge.Persistence = "cookie"
		topo.Edge.Cookie.MaxIdle = policy.Duration(maxIdle)
		l := labtest.Up(ctx, topo)

		res := labtest.Replay(ctx, l, replay.Login, labtest.Runs/2,
			replay.WithThinkTime("login-page", 2*maxIdle, replay.EvenRuns))

		// After the pause the sign-in is balanced afresh: another
		// datacenter with probability 1 − Σ wᵢ² = 50 %.
		paused := res.Where(func(r replay.Run) bool { return replay.EvenRuns(r.Index) })
		Expect(paused).To(HaveFailureRateNearAt(stats.Model{Applies: true, FailureRate: 0.5, Why: "the cookie expired once mid-flow"}, labtest.Confidence))
		Expect(paused).To(HaveFailuresExplainedBy("cross-datacenter"))
		Expect(res.Where(func(r replay.Run) bool { return !replay.EvenRuns(r.Index) })).To(AllSucceed())
	}, SpecTimeout(labtest.ScenarioTimeout))

	It("fails more often the more times a session outlasts the max-idle: 0, 50, 75 % (99.9 % interval)", func(ctx SpecContext) {
		const maxIdle = 300 * time.Millisecond
		topo := topology.Default()
		topo.Edge.Persistence = "cookie"
		topo.Edge.Cookie.MaxIdle = policy.Duration(maxIdle)
		l := labtest.Up(ctx, topo)

		// Run i pauses (i mod 3) times: never, after the login page, after
		// the login page and after signing in.
		sittings := [][]string{nil, {"login-page"}, {"login-page", "sign-in"}}
		res := labtest.Replay(ctx, l, replay.Login, labtest.Runs/2,
			replay.WithPauses(2*maxIdle, func(run int) []string { return sittings[run%3] }))

		// Each expiry re-balances once; all three requests must still meet
		// in one datacenter: 1 − ½ʲ for j expiries.
		for j, want := range []float64{0, 0.5, 0.75} {
			group := res.Where(func(r replay.Run) bool { return r.Index%3 == j })
			Expect(group).To(HaveFailureRateNearAt(stats.Model{Applies: true, FailureRate: want, Why: "expiries mid-flow"}, labtest.Confidence),
				"users who paused %d times", j)
		}
	}, SpecTimeout(labtest.ScenarioTimeout))
})
