package dockerrt

import "github.com/testcontainers/testcontainers-go"

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
