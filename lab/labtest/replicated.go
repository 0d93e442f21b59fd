package labtest

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/stickylab/stickylab/lab"
	"github.com/stickylab/stickylab/lab/replay"
)

// UntilReplicated holds the runs who picks after their sign-in POST until
// every replica holds the sessions written so far (lab.WaitReplicated): their
// next request comes after the replication lag, however fast or slow the
// engine is.
func UntilReplicated(l *lab.Lab, who func(run int) bool) replay.Option {
	return replay.WithHold(func(ctx context.Context, run int, step string) {
		if step != SignInStep || !who(run) {
			return
		}
		defer GinkgoRecover()
		Expect(l.WaitReplicated(ctx)).To(Succeed(), "run %d: wait until its session has replicated", run)
	})
}

// DelayReplication puts latency d on the replication link of dc's replica.
func DelayReplication(ctx SpecContext, l *lab.Lab, dc string, d time.Duration) {
	GinkgoHelper()
	Expect(l.SetReplicationLatency(ctx, dc, d)).To(Succeed())
}
