package admin

import (
	"context"
	"net/http"
	"net/url"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// State is a fakecdn's GET /state: package policy's wire type, decoded
// here once for the lab and ctl.
type State = policy.State

// GetState reads the LB's state.
func GetState(ctx context.Context, baseURL string) (State, error) {
	var s State
	err := do(ctx, http.MethodGet, join(baseURL, "/state"), nil, &s)
	return s, err
}

// PatchConfig changes the LB's policy (PATCH /config) and returns its new
// state; on a 400 nothing changed and the error names the field.
func PatchConfig(ctx context.Context, baseURL string, p policy.Patch) (State, error) {
	var s State
	err := do(ctx, http.MethodPatch, join(baseURL, "/config"), p, &s)
	return s, err
}

// PatchMember changes one member's state, weight or delay.
func PatchMember(ctx context.Context, baseURL, member string, p policy.MemberPatch) (State, error) {
	var s State
	err := do(ctx, http.MethodPatch, join(baseURL, "/members/"+url.PathEscape(member)), p, &s)
	return s, err
}

// RotateKey gives the LB a new f5-encrypted cookie key.
func RotateKey(ctx context.Context, baseURL string) (State, error) {
	var s State
	err := do(ctx, http.MethodPost, join(baseURL, "/rotate-key"), nil, &s)
	return s, err
}

// ResetKey puts the LB's f5-encrypted key back to generation 0 and rewinds
// its random source (POST /reset-key).
func ResetKey(ctx context.Context, baseURL string) (State, error) {
	var s State
	err := do(ctx, http.MethodPost, join(baseURL, "/reset-key"), nil, &s)
	return s, err
}
