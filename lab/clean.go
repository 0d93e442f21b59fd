package lab

import (
	"context"
	"fmt"
)

// Cleaned counts what Clean or CleanAll removed from the Docker engine.
type Cleaned struct {
	Containers, Networks, Images int
	// Kept are the runs Clean left in place because their owner process is
	// alive (or runs in another host or pid namespace), sorted.
	Kept []string
}

// Clean removes the containers and networks of runs whose owner process is
// gone: labs left by a killed test or CLI. Labs of a live process (another
// terminal's `stickylab up`, a parallel test process) stay, and so do the
// images, the build cache. Without a Docker engine there is nothing to
// clean: the local runtime lives and dies with its process.
func Clean(ctx context.Context) (Cleaned, error) {
	return clean(ctx, dockerClean)
}

// CleanAll removes every stickylab container and network, of live runs too,
// and the images stickylab built.
func CleanAll(ctx context.Context) (Cleaned, error) {
	return clean(ctx, dockerCleanAll)
}

func clean(ctx context.Context, remove func(context.Context) (Cleaned, error)) (Cleaned, error) {
	if dockerAvailable(ctx) != nil {
		return Cleaned{}, nil
	}
	c, err := remove(ctx)
	if err != nil {
		return c, fmt.Errorf("lab clean: %w", err)
	}
	return c, nil
}
