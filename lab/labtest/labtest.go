// Package labtest is the framework the Ginkgo scenarios stand on: bring a
// topology up with its cleanup registered, replay with the statistics and
// artifacts recorded, and put faults in the middle of traffic. Scenarios stay
// stories; the mechanics live here (cluster-api's test/framework shape).
package labtest

import (
	"os"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/stickylab/stickylab/lab"
	"github.com/stickylab/stickylab/lab/topology"
)

// Named budgets, so that no spec carries a magic number.
const (
	// Runs is the replay size for rate claims: at 75 % its 99.9 % interval is
	// about ±8 points, narrow enough to tell 75 % from 50 %.
	Runs = 300
	// Confidence of the rate claims: with several claims per suite run, 95 %
	// would fail a correct model in one suite run out of a few.
	Confidence = 0.999
	// Concurrency is the number of simulated users at once.
	Concurrency = 8
	// FarUsers is the number of users at once when flows spend most of
	// their time waiting — on latency added at the edge (SlowDown), or for
	// their session to replicate: a user a 100 ms way off spends most of a
	// flow waiting, so 4× the users put about the same load on the lab as
	// Concurrency local ones, and a replay of Runs takes seconds, not half a
	// minute.
	FarUsers = 4 * Concurrency
	// MidFlow is the size of ReplayAround's Straddling wave: when a fault
	// hits about half of the held runs, missing every loss has a
	// probability near 2^-32.
	MidFlow = 32
	// ScenarioTimeout bounds one spec, Up and Down included. A hang guard,
	// not a speed claim: a fault story took close to 3 minutes on a loaded
	// fuse-overlayfs engine.
	ScenarioTimeout = 10 * time.Minute
	// PrepareTimeout bounds the one-time image build.
	PrepareTimeout = 5 * time.Minute
	// DownTimeout bounds tearing a lab down.
	DownTimeout = time.Minute
)

// AroundAFault is the waves the shipped fault stories replay: a third of
// Runs before the fault, MidFlow runs held mid-flow while it is applied, a
// third of Runs after it.
var AroundAFault = Around{Before: Runs / 3, Straddling: MidFlow, After: Runs / 3}

// Runtime is the runtime the suite runs on: STICKYLAB_RUNTIME, or auto.
func Runtime() string {
	if rt := os.Getenv("STICKYLAB_RUNTIME"); rt != "" {
		return rt
	}
	return "auto"
}

// Prepare builds what every spec needs once (the Docker images) and says
// which runtime the suite uses.
func Prepare(ctx SpecContext) {
	GinkgoHelper()
	rt, err := lab.Prepare(ctx, lab.WithRuntime(Runtime()), lab.WithLogf(logf))
	Expect(err).NotTo(HaveOccurred())
	AddReportEntry("runtime", rt)
	GinkgoWriter.Printf("stickylab scenarios on the %s runtime\n", rt)
}

// Up gives the spec a running lab of t and registers, right away, what
// happens to it after the spec: with the pool on (KeepLabs) a lab of t's
// shape left by an earlier spec is reset to t and reused, and goes back to
// the pool when the spec passes; otherwise, or with Fresh, a new lab is
// started. A lab whose spec failed is torn down, so that it can be looked at
// in the spec's report and never leaks into the next one.
func Up(ctx SpecContext, t topology.Topology, opts ...UpOption) *lab.Lab {
	GinkgoHelper()
	var l *lab.Lab
	if !slices.Contains(opts, Fresh) {
		l = labs.take(ctx, t)
	}
	var err error
	if l == nil {
		// A lab evicted by the spec before is still being torn down: the
		// engine's address pools hold MaxIdleLabs+1 labs per process.
		if err = labs.evicted(ctx); err == nil {
			l, err = lab.Up(ctx, t, lab.WithRuntime(Runtime()), lab.WithLogf(logf))
		}
	}
	if l != nil {
		DeferCleanup(func(ctx SpecContext) {
			Expect(labs.release(ctx, l, CurrentSpecReport().Failed() || err != nil)).To(Succeed())
		}, NodeTimeout(DownTimeout))
	}
	Expect(err).NotTo(HaveOccurred(), "lab up")
	GinkgoWriter.Printf("lab %s up on %s: edge %s\n", l.RunID(), l.Runtime(), l.EdgeURL())
	return l
}

// Datacenters is the incident topology with n equal datacenters.
func Datacenters(n int) topology.Topology {
	names := []string{"dc-east", "dc-west", "dc-north", "dc-south", "dc-central"}
	Expect(n).To(BeNumerically("<=", len(names)), "Datacenters(%d): at most %d", n, len(names))
	t := topology.Default()
	t.Datacenters = nil
	for _, name := range names[:n] {
		t.Datacenters = append(t.Datacenters, topology.Datacenter{Name: name})
	}
	return t.WithDefaults()
}

// SlowDown adds latency at the edge in front of every datacenter.
func SlowDown(ctx SpecContext, l *lab.Lab, d time.Duration) {
	GinkgoHelper()
	for _, dc := range l.Topology().Datacenters {
		Expect(l.SetLatency(ctx, dc.Name, d)).To(Succeed())
	}
}

func logf(format string, args ...any) {
	GinkgoWriter.Printf(format+"\n", args...)
}
