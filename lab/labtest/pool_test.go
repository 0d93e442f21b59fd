package labtest_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/stickylab/stickylab/lab/labtest"
	"github.com/stickylab/stickylab/lab/topology"
)

// Ordered: the second spec gets the lab the first one left, which is the
// behaviour under test.
var _ = Describe("The lab pool", Ordered, func() {
	var first string
	BeforeAll(func() { labtest.KeepLabs() })

	It("starts a lab when none of the shape is idle", func(ctx SpecContext) {
		l := labtest.Up(ctx, topology.Default())
		first = l.RunID()
		Expect(l.RotateKey(ctx, "edge")).To(Succeed())
		Expect(l.SetEdgePersistence(ctx, "source-ip")).To(Succeed())
		Expect(l.StopDatacenter(ctx, "dc-west")).To(Succeed())
	}, SpecTimeout(labtest.ScenarioTimeout))

	It("gives the next spec of that shape the same lab, reset to its topology", func(ctx SpecContext) {
		want := topology.Default()
		want.Edge.Persistence = "cookie"
		want.Datacenters[1].Weight = 3
		l := labtest.Up(ctx, want)
		Expect(l.RunID()).To(Equal(first))
		cur, err := l.Current(ctx)
		Expect(err).NotTo(HaveOccurred())
		want.Seed = l.Topology().Seed
		Expect(cur).To(Equal(want.WithDefaults()))
		st, err := l.State(ctx, "edge")
		Expect(err).NotTo(HaveOccurred())
		Expect(st.KeyGeneration).To(BeZero(), "the rotated key is reset")
	}, SpecTimeout(labtest.ScenarioTimeout))

	var fresh string
	It("starts a new lab for a spec that asks for a Fresh one", func(ctx SpecContext) {
		l := labtest.Up(ctx, topology.Default(), labtest.Fresh)
		Expect(l.RunID()).NotTo(Equal(first))
		fresh = l.RunID()
	}, SpecTimeout(labtest.ScenarioTimeout))

	It("keeps at most MaxIdleLabs idle, tearing the least recently used down", func(ctx SpecContext) {
		// Idle now: the first lab, then the Fresh one. Labs of
		// MaxIdleLabs-1 other shapes coming back push the first out.
		for i := range labtest.MaxIdleLabs - 1 {
			topo := labtest.Datacenters(1)
			topo.Datacenters[0].Instances = i + 1
			other := labtest.Up(ctx, topo)
			Expect(other.RunID()).NotTo(BeElementOf(first, fresh))
		}
	}, SpecTimeout(labtest.ScenarioTimeout))

	It("then has only the Fresh lab of the default shape: the first one was torn down", func(ctx SpecContext) {
		Expect(labtest.Up(ctx, topology.Default()).RunID()).To(Equal(fresh))
		Expect(labtest.Up(ctx, topology.Default()).RunID()).NotTo(BeElementOf(first, fresh), "a new lab, not the evicted one")
	}, SpecTimeout(labtest.ScenarioTimeout))
})
