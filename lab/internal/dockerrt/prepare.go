package dockerrt

import (
	"context"
	"fmt"
)

// Prepare builds the lab image once ahead of the first Start — a test suite's
// one-time setup — so that parallel suite processes find them by their tag.
func Prepare(ctx context.Context, logf func(format string, args ...any)) error {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	cli, err := dockerClient(ctx)
	if err != nil {
		return fmt.Errorf("docker runtime: %w", err)
	}
	if _, err := ensureImage(ctx, cli, logf); err != nil {
		return fmt.Errorf("prepare the lab image: %w", err)
	}
	return nil
}
