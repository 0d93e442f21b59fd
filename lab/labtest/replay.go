package labtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/stickylab/stickylab/lab"
	"github.com/stickylab/stickylab/lab/diagnose"
	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/report"
	"github.com/stickylab/stickylab/lab/stats"
	"github.com/stickylab/stickylab/lab/topology"
)

// Replay replays n runs of flow through the lab's edge, records the summary
// as a Ginkgo report entry and writes the HAR and Markdown reports into
// artifacts/.
func Replay(ctx SpecContext, l *lab.Lab, flow replay.Flow, n int, opts ...replay.Option) *replay.Result {
	GinkgoHelper()
	return ReplayUsers(ctx, l, flow, n, Concurrency, opts...)
}

// ReplayUsers is Replay with users flows in flight at once instead of
// Concurrency: FarUsers for users a SlowDown away.
func ReplayUsers(ctx SpecContext, l *lab.Lab, flow replay.Flow, n, users int, opts ...replay.Option) *replay.Result {
	GinkgoHelper()
	res, err := l.Replay(ctx, flow, n, users, opts...)
	Expect(err).NotTo(HaveOccurred(), "replay %s ×%d", flow.Name, n)
	model := ExpectedOf(l, flow, res)
	record(res, &model)
	return res
}

// ExpectedOf is the model's failure rate for flow through the running lab,
// with the pace res measured: the gaps between requests matter with DNS
// steering (stats.ExpectedPaced) and, with a replicated session store, the
// gaps after the session's write against the replication latency the lab
// set (stats.ExpectedReplicated).
func ExpectedOf(l *lab.Lab, flow replay.Flow, res *replay.Result) stats.Model {
	GinkgoHelper()
	t := Running(l)
	if t.Redis != nil && t.Redis.Layout == "replicated" {
		return stats.ExpectedReplicated(t, flow.Requests(), stats.Replication{Lag: l.ReplicationLatency(), Gaps: writeGaps(res)})
	}
	return stats.ExpectedPaced(t, flow.Requests(), meanGap(res)) // = Expected unless DNS steering
}

// Expected is the model's failure rate for flow through the topology as it
// runs now (faults and policy changes included), as the running load
// balancers report it.
func Expected(l *lab.Lab, flow replay.Flow) stats.Model {
	GinkgoHelper()
	return stats.Expected(Running(l), flow.Requests())
}

// Running is the topology as the running load balancers report it. Each
// admin call is bounded on its own (a few seconds): no deadline here that a
// slow engine could be mistaken for.
func Running(l *lab.Lab) topology.Topology {
	GinkgoHelper()
	t, err := l.Current(context.Background())
	Expect(err).NotTo(HaveOccurred(), "the running topology")
	return t
}

// Statuses lists every HTTP status the runs received.
func Statuses(res *replay.Result) []int {
	var out []int
	for _, run := range res.Runs {
		for _, h := range run.Hops {
			out = append(out, h.Status)
		}
	}
	return out
}

var (
	artifactMu  sync.Mutex
	artifactSeq = map[string]int{} // spec -> replays recorded so far
)

// artifactBase names a spec's k-th replay: <spec-slug>-<k>.
func artifactBase(dir string) string {
	spec := slug(CurrentSpecReport().FullText())
	artifactMu.Lock()
	defer artifactMu.Unlock()
	artifactSeq[spec]++
	return filepath.Join(dir, fmt.Sprintf("%s-%d", spec, artifactSeq[spec]))
}

// record attaches the diagnosis to the spec's report and writes the HAR,
// Markdown and HTML reports into ArtifactsDir. model may be nil: a replay across a
// fault has no single model.
func record(res *replay.Result, model *stats.Model) {
	GinkgoHelper()
	finding := diagnose.Analyse(res, model, diagnose.WithConfidence(Confidence)).Finding
	AddReportEntry("replay "+res.Flow, finding.Text)

	dir := ArtifactsDir()
	Expect(os.MkdirAll(dir, 0o755)).To(Succeed())
	base := artifactBase(dir)
	write(base+".har", func(f *os.File) error { return report.WriteHAR(f, res) })
	write(base+".md", func(f *os.File) error { return report.WriteMarkdown(f, res, finding, model) })
	write(base+".html", func(f *os.File) error { return report.WriteHTML(f, res, finding, model) })
}

func write(path string, fn func(*os.File) error) {
	GinkgoHelper()
	f, err := os.Create(path)
	Expect(err).NotTo(HaveOccurred())
	defer f.Close()
	Expect(fn(f)).To(Succeed(), "write %s", path)
}

// ArtifactsDir is STICKYLAB_ARTIFACTS, or artifacts/ at the module root.
func ArtifactsDir() string {
	if d := os.Getenv("STICKYLAB_ARTIFACTS"); d != "" {
		return d
	}
	dir, _ := os.Getwd()
	for d := dir; d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, "artifacts")
		}
	}
	return filepath.Join(dir, "artifacts")
}

var nonWord = regexp.MustCompile(`[^a-z0-9]+`)

func slug(s string) string {
	s = strings.Trim(nonWord.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if len(s) > 80 {
		s = s[:80]
	}
	return s
}
