package lab

import (
	"context"
	"fmt"

	"github.com/stickylab/stickylab/fakecdn/policy"
	"github.com/stickylab/stickylab/lab/internal/admin"
)

// Policy changes a running LB: package policy's Patch (PATCH /config); nil
// fields stay as they are. Field values are those of the topology file's
// edge:/lb: blocks.
type Policy = policy.Patch

// Configure changes the policy of "edge" or of a datacenter's LB; the next
// request is decided with it. An invalid value changes nothing and the error
// names the field.
func (l *Lab) Configure(ctx context.Context, target string, p Policy) error {
	u, err := l.lbAdmin(target)
	if err == nil {
		_, err = admin.PatchConfig(ctx, u, p)
	}
	if err != nil {
		return fmt.Errorf("configure %s: %w", target, err)
	}
	return nil
}

// SetEdgePersistence sets the edge's persistence: none, cookie or source-ip.
func (l *Lab) SetEdgePersistence(ctx context.Context, persistence policy.Persistence) error {
	return l.Configure(ctx, "edge", Policy{Persistence: &persistence})
}

// SetDatacenterPersistence sets a datacenter LB's persistence.
func (l *Lab) SetDatacenterPersistence(ctx context.Context, dc string, persistence policy.Persistence) error {
	if _, err := l.datacenter(dc); err != nil {
		return fmt.Errorf("configure %s: %w", dc, err)
	}
	return l.Configure(ctx, dc, Policy{Persistence: &persistence})
}

// RotateKey gives "edge" or a datacenter's LB a new cookie key: every
// f5-encrypted cookie it issued before becomes undecodable.
func (l *Lab) RotateKey(ctx context.Context, target string) error {
	u, err := l.lbAdmin(target)
	if err == nil {
		_, err = admin.RotateKey(ctx, u)
	}
	if err != nil {
		return fmt.Errorf("rotate key of %s: %w", target, err)
	}
	return nil
}

// lbAdmin is the admin URL of "edge" or of a datacenter's LB.
func (l *Lab) lbAdmin(target string) (string, error) {
	dep, err := l.live()
	if err != nil {
		return "", err
	}
	node, err := l.lbNode(target)
	if err != nil {
		return "", err
	}
	return dep.AdminURL(node)
}
