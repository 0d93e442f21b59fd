package labtest_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/stickylab/stickylab/lab"
	"github.com/stickylab/stickylab/lab/labtest"
	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/topology"
)

// slowEngine is how long the fault below takes on purpose: a Docker engine
// that needs seconds to stop a datacenter.
const slowEngine = 3 * time.Second

var _ = Describe("ReplayAround", func() {
	waves := labtest.Around{Before: 24, Straddling: 16, After: 24}

	// The edge pins users with its cookie and picks datacenters round-robin,
	// so exactly half of the mid-flow wave is pinned to dc-east.
	pinnedRoundRobin := func() topology.Topology {
		topo := topology.Default()
		topo.Edge.Selection = "round-robin"
		topo.Edge.Persistence = "cookie"
		topo.Edge.PassthroughSingle = topology.Bool(false)
		return topo
	}

	It("has every phase at the size the spec chose, even when the fault is slow", func(ctx SpecContext) {
		GinkgoT().Setenv("STICKYLAB_ARTIFACTS", GinkgoT().TempDir())
		l, err := lab.Up(ctx, pinnedRoundRobin(), lab.WithRuntime("local"))
		DeferCleanup(func(ctx SpecContext) { Expect(l.Down(ctx)).To(Succeed()) })
		Expect(err).NotTo(HaveOccurred())

		p := labtest.ReplayAround(ctx, l, replay.Login, waves, func() {
			select { // the one deliberate wait: an engine this slow
			case <-time.After(slowEngine):
			case <-ctx.Done():
			}
			Expect(l.StopDatacenter(ctx, "dc-east")).To(Succeed())
		})

		Expect(p.Before.Runs).To(HaveLen(waves.Before))
		Expect(p.Straddling.Runs).To(HaveLen(waves.Straddling))
		Expect(p.After.Runs).To(HaveLen(waves.After))
		Expect(p.All.Runs).To(HaveLen(waves.Before + waves.Straddling + waves.After))

		By("the first wave ended before the fault and all logged in")
		for _, run := range p.Before.Runs {
			Expect(run.OK).To(BeTrue(), "run %d: %s", run.Index, run.Err)
			Expect(end(run)).To(BeTemporally("<=", p.FaultStart), "run %d", run.Index)
		}

		By("the mid-flow wave signed in before the fault and sent its next request after it")
		lost := 0
		for _, run := range p.Straddling.Runs {
			signIn, next := hop(run, labtest.SignInStep), hop(run, "account")
			Expect(signIn).NotTo(BeNil(), "run %d has no sign-in hop", run.Index)
			Expect(next).NotTo(BeNil(), "run %d has no account hop", run.Index)
			Expect(signIn.Start.Add(signIn.Duration)).To(BeTemporally("<=", p.FaultStart), "run %d", run.Index)
			Expect(next.Start).To(BeTemporally(">=", p.FaultEnd), "run %d", run.Index)
			if run.Datacenters[0] == "dc-east" {
				Expect(run.OK).To(BeFalse(), "run %d was pinned to the stopped dc-east", run.Index)
				lost++
			} else {
				Expect(run.OK).To(BeTrue(), "run %d: %s", run.Index, run.Err)
			}
		}
		Expect(lost).To(Equal(waves.Straddling/2), "round-robin pins half the wave to dc-east")

		By("the last wave started after the fault and only the survivor served it")
		for _, run := range p.After.Runs {
			Expect(run.OK).To(BeTrue(), "run %d: %s", run.Index, run.Err)
			Expect(run.Start).To(BeTemporally(">=", p.FaultEnd), "run %d", run.Index)
			Expect(run.Datacenters).To(Equal([]string{"dc-west"}), "run %d", run.Index)
		}
		Expect(p.FaultEnd.Sub(p.FaultStart)).To(BeNumerically(">=", slowEngine))
	}, SpecTimeout(labtest.ScenarioTimeout))

	It("refuses a flow with no sign-in step to hold runs after", func(ctx SpecContext) {
		flow := replay.Flow{Name: "just-a-page", Steps: replay.Login.Steps[:1]}
		err := InterceptGomegaFailure(func() {
			labtest.ReplayAround(ctx, nil, flow, waves, func() { Fail("the fault must not run") })
		})
		Expect(err).To(MatchError(ContainSubstring("no sign-in step")))
	})
})

func hop(run replay.Run, step string) *replay.Hop {
	for i := range run.Hops {
		if run.Hops[i].Step == step {
			return &run.Hops[i]
		}
	}
	return nil
}

func end(run replay.Run) time.Time { return run.Start.Add(run.Duration) }
