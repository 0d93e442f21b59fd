package dockerrt

import (
	"testing"

	"github.com/testcontainers/testcontainers-go"

	"github.com/stickylab/stickylab/lab/internal/plan"
)

// testContainerRequest applies customizers the way testcontainers.Run does.
type testContainerRequest struct {
	testcontainers.GenericContainerRequest
}

func (r *testContainerRequest) apply(opts []testcontainers.ContainerCustomizer) error {
	for _, o := range opts {
		if err := o.Customize(&r.GenericContainerRequest); err != nil {
			return err
		}
	}
	return nil
}

// requestOf is the container request that starts node of p (TLS on).
func requestOf(t *testing.T, p *plan.Plan, node string) testContainerRequest {
	t.Helper()
	n, err := p.Node(node)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := specOf(t, p, node, true).customizers(p.RunID, n)
	if err != nil {
		t.Fatal(err)
	}
	var req testContainerRequest
	if err := req.apply(opts); err != nil {
		t.Fatal(err)
	}
	return req
}
