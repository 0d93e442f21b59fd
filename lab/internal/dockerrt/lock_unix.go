//go:build unix

package dockerrt

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// lockBuild serializes the build of one tag across processes (ginkgo -p
// starts several at once): the second one finds the tag built and skips.
// Without the lock both would build and one image would be left dangling.
func lockBuild(ctx context.Context, tag string) (unlock func(), err error) {
	return lockFile(ctx, "stickylab-build-"+strings.NewReplacer("/", "_", ":", "_").Replace(tag)+".lock")
}

// lockSweep serializes the removal of dead owners' runs across processes
// (every Start sweeps, and so does `stickylab clean`): one sweeper at a
// time, so that the counts each reports are what it removed.
func lockSweep(ctx context.Context) (unlock func(), err error) {
	return lockFile(ctx, "stickylab-sweep.lock")
}

// lockFile holds an exclusive flock on name in the temporary directory
// until unlock, waiting for another process to let go. When the file
// cannot be opened it does not lock: the locks avoid duplicate work, and
// their absence costs no correctness.
func lockFile(ctx context.Context, name string) (unlock func(), err error) {
	f, err := os.OpenFile(filepath.Join(os.TempDir(), name), os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		return func() {}, nil
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return func() {}, nil
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// processGone reports whether no process has this pid.
func processGone(pid int) bool {
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}
