package lab

import (
	"context"
	"fmt"

	"github.com/stickylab/stickylab/lab/internal/plan"
)

// pickRuntime resolves o.runtime to a driver and says why it was chosen.
func pickRuntime(ctx context.Context, o options) (name string, d plan.Driver, err error) {
	switch o.runtime {
	case "local":
		o.logf("runtime: local (asked for)")
		return "local", localDriver(o.logf), nil
	case "docker":
		if err := dockerAvailable(ctx); err != nil {
			return "", nil, fmt.Errorf("runtime docker: no Docker engine: %w", err)
		}
		o.logf("runtime: docker (asked for; the engine answered)")
		return "docker", dockerDriver(o.logf), nil
	}
	if err := dockerAvailable(ctx); err != nil {
		o.logf("runtime: local (no Docker engine: %v)", err)
		return "local", localDriver(o.logf), nil
	}
	o.logf("runtime: docker (a Docker engine answered)")
	return "docker", dockerDriver(o.logf), nil
}

// Prepare resolves the runtime Up would use with opts and readies it: on
// Docker it builds the images, so that a test suite builds them once before
// its first Up and every parallel process finds them by their tag. It returns
// the runtime's name ("docker" or "local").
func Prepare(ctx context.Context, opts ...Option) (string, error) {
	o, err := newOptions(opts)
	if err != nil {
		return "", fmt.Errorf("lab prepare: %w", err)
	}
	name, _, err := pickRuntime(ctx, o)
	if err != nil {
		return "", fmt.Errorf("lab prepare: %w", err)
	}
	if name == "docker" {
		if err := dockerPrepare(ctx, o.logf); err != nil {
			return "", fmt.Errorf("lab prepare: %w", err)
		}
	}
	return name, nil
}
