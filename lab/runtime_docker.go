package lab

import (
	"context"

	"github.com/stickylab/stickylab/lab/internal/dockerrt"
	"github.com/stickylab/stickylab/lab/internal/plan"
)

// The Docker runtime, kept behind a few functions so that the rest of the
// package does not depend on its shape.

func dockerAvailable(ctx context.Context) error { return dockerrt.Available(ctx) }

func dockerDriver(logf func(string, ...any)) plan.Driver { return dockerrt.New(logf) }

func dockerClean(ctx context.Context) (Cleaned, error) { return cleaned(dockerrt.Clean(ctx)) }

func dockerCleanAll(ctx context.Context) (Cleaned, error) { return cleaned(dockerrt.CleanAll(ctx)) }

func cleaned(r dockerrt.Removed, err error) (Cleaned, error) {
	return Cleaned{Containers: r.Containers, Networks: r.Networks, Images: r.Images, Kept: r.Kept}, err
}

func dockerPrepare(ctx context.Context, logf func(string, ...any)) error {
	return dockerrt.Prepare(ctx, logf)
}
