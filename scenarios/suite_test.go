// Package scenarios holds stickylab's stories as Ginkgo specs, one file per
// story. Each spec brings up its own topology (a pooled lab reset to it),
// replays enough login flows for its statistical claim, and asserts with the
// lab's matchers.
package scenarios_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/stickylab/stickylab/lab/labtest"
)

func TestScenarios(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "stickylab scenarios")
}

// Images are built once per suite, on the first process; the others find
// them by their content tag. Every process keeps its labs for the next spec
// of the same shape (reset, not restarted) and tears them down at suite end.
var _ = SynchronizedBeforeSuite(func(ctx SpecContext) {
	labtest.Prepare(ctx)
}, func(ctx SpecContext) {
	labtest.KeepLabs()
}, NodeTimeout(labtest.PrepareTimeout))

// Once every process is done, one page links every report the specs wrote.
var _ = SynchronizedAfterSuite(func() {}, func() {
	path, err := labtest.WriteIndex(labtest.ArtifactsDir())
	Expect(err).NotTo(HaveOccurred())
	GinkgoWriter.Printf("scenario reports: %s\n", path)
})
