package lab

import (
	"context"
	"fmt"
)

// Clean removes every stickylab container and network, of any run, when a
// Docker engine answers; without one there is nothing to clean (the local
// runtime lives and dies with its process).
func Clean(ctx context.Context) error {
	if dockerAvailable(ctx) != nil {
		return nil
	}
	if err := dockerClean(ctx); err != nil {
		return fmt.Errorf("lab clean: %w", err)
	}
	return nil
}
