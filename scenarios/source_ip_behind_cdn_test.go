package scenarios_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/stickylab/stickylab/lab/labtest"
	. "github.com/stickylab/stickylab/lab/matchers"
	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/topology"
)

// Behind a CDN the datacenter's load balancer sees the edge's few pooled
// keep-alive connections, not the users: source-IP affinity hashes the
// edge's address and every user lands on one instance. Hashing the
// True-Client-IP header the edge passes on restores the spread.
var _ = Describe("Source-IP affinity behind a CDN", Label("source-ip-behind-cdn"), labtest.SameLab, func() {
	// Users in several places, each with its own address: 16 of them all
	// hashing onto one of the datacenter's 2 instances would take odds of
	// 2^-15.
	const locations = 16

	// One datacenter of the usual 2 instances: the shape of the other
	// one-datacenter stories, so that they share a pooled lab.
	behindCDN := func(header string) topology.Topology {
		topo := labtest.Datacenters(1)
		topo.Name = "source-ip-behind-cdn"
		lb := &topo.Datacenters[0].LB
		lb.Selection, lb.Persistence, lb.SelectionHeader = "source-ip", "source-ip", header
		return topo
	}

	It("collapses onto one instance when the LB hashes the peer address: the edge's", func(ctx SpecContext) {
		l := labtest.Up(ctx, behindCDN(""))
		res := labtest.Replay(ctx, l, replay.Login, labtest.Runs/3, replay.WithLocations(locations))

		Expect(res).To(AllSucceed())
		Expect(res.Summary().Instances).To(HaveLen(1), "every user hashed to the edge's address")
	}, SpecTimeout(labtest.ScenarioTimeout))

	It("spreads users again when the LB hashes True-Client-IP", func(ctx SpecContext) {
		// Through Docker's published port every user reaches the edge from
		// the engine's gateway address; like an Akamai edge allowed to take
		// the client's True-Client-IP, the edge keeps each location's own.
		topo := behindCDN("True-Client-IP")
		topo.Edge.TrustClientIP = true
		l := labtest.Up(ctx, topo)
		res := labtest.Replay(ctx, l, replay.Login, labtest.Runs/3, replay.WithLocations(locations))

		Expect(res).To(AllSucceed())
		Expect(len(res.Summary().Instances)).To(BeNumerically(">", 1), "users from %d addresses", locations)
	}, SpecTimeout(labtest.ScenarioTimeout))
})
