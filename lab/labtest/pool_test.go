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

	It("starts a new lab for a spec that asks for a Fresh one", func(ctx SpecContext) {
		l := labtest.Up(ctx, topology.Default(), labtest.Fresh)
		Expect(l.RunID()).NotTo(Equal(first))
	}, SpecTimeout(labtest.ScenarioTimeout))
})
