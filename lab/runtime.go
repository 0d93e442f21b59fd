package lab

import (
	"context"
	"fmt"

	"github.com/stickylab/stickylab/internal/testenv"
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
	engineErr := dockerAvailable(ctx)
	name, err = auto(engineErr)
	switch {
	case err != nil:
		return "", nil, err
	case name == "local":
		o.logf("runtime: local (no Docker engine: %v)", engineErr)
		return "local", localDriver(o.logf), nil
	}
	o.logf("runtime: docker (a Docker engine answered)")
	return "docker", dockerDriver(o.logf), nil
}

// auto resolves the runtime auto given the engine check's answer: docker
// when an engine answered, else local, unless STICKYLAB_REQUIRE_DOCKER=1
// forbids that fallback (CI must not pass on the local runtime unnoticed).
func auto(engineErr error) (string, error) {
	switch {
	case engineErr == nil:
		return "docker", nil
	case testenv.Required(testenv.RequireDocker):
		return "", fmt.Errorf("runtime auto: no Docker engine, and %s=1 forbids falling back to the local runtime: %w", testenv.RequireDocker, engineErr)
	}
	return "local", nil
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
