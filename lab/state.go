package lab

import (
	"context"
	"fmt"

	"github.com/stickylab/stickylab/lab/internal/admin"
)

// LBState is a load balancer's GET /state: its name, role (edge or dc),
// current configuration, members, and how many times its cookie key was
// rotated (all of which survive a restart).
type LBState struct {
	Name          string
	Role          string
	Members       []MemberState
	Config        map[string]any
	KeyGeneration int
}

// MemberState is one member: a datacenter at the edge, an instance in a
// datacenter LB. It is usable when State is "up" and Healthy.
type MemberState struct {
	Name     string
	URL      string
	Weight   float64
	State    string // up | down | draining
	Healthy  bool
	Delay    string // "0s", "150ms"
	Requests int64
}

// Member returns the member named name.
func (s LBState) Member(name string) (MemberState, bool) {
	for _, m := range s.Members {
		if m.Name == name {
			return m, true
		}
	}
	return MemberState{}, false
}

// State reads the state of "edge" or of a datacenter's LB.
func (l *Lab) State(ctx context.Context, target string) (LBState, error) {
	u, err := l.lbAdmin(target)
	var st admin.State
	if err == nil {
		st, err = admin.GetState(ctx, u)
	}
	if err != nil {
		return LBState{}, fmt.Errorf("state of %s: %w", target, err)
	}
	out := LBState{Name: st.Name, Role: st.Role, Config: st.Config, KeyGeneration: st.KeyGeneration}
	for _, m := range st.Members {
		out.Members = append(out.Members, MemberState(m))
	}
	return out, nil
}
