package lab

import (
	"context"
	"fmt"

	"github.com/stickylab/stickylab/fakecdn/policy"
	"github.com/stickylab/stickylab/lab/internal/admin"
)

// LBState is a load balancer's GET /state (package policy's wire type): its
// name, role (edge or dc), current configuration, members, and how many
// times its cookie key was rotated (all of which survive a restart).
type LBState = policy.State

// MemberState is one member: a datacenter at the edge, an instance in a
// datacenter LB. It is usable when State is "up" and Healthy (Usable).
type MemberState = policy.MemberState

// State reads the state of "edge" or of a datacenter's LB.
func (l *Lab) State(ctx context.Context, target string) (LBState, error) {
	u, err := l.lbAdmin(target)
	var st LBState
	if err == nil {
		st, err = admin.GetState(ctx, u)
	}
	if err != nil {
		return LBState{}, fmt.Errorf("state of %s: %w", target, err)
	}
	return st, nil
}
