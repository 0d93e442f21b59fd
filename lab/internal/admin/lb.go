package admin

import (
	"context"
	"net/http"
	"net/url"
)

// State is a fakecdn's GET /state.
type State struct {
	Name    string         `json:"name"`
	Role    string         `json:"role"`
	Config  map[string]any `json:"config"`
	Members []Member       `json:"members"`
	// KeyGeneration counts the cookie key's rotations (0: the first key).
	KeyGeneration int `json:"key_generation"`
}

// Member is one pool member as GET /state reports it.
type Member struct {
	Name     string  `json:"name"`
	URL      string  `json:"url"`
	Weight   float64 `json:"weight"`
	State    string  `json:"state"` // up | down | draining
	Healthy  bool    `json:"healthy"`
	Delay    string  `json:"delay"` // "0s", "150ms"
	Requests int64   `json:"requests"`
}

// Member returns the member named name.
func (s State) Member(name string) (Member, bool) {
	for _, m := range s.Members {
		if m.Name == name {
			return m, true
		}
	}
	return Member{}, false
}

// GetState reads the LB's state.
func GetState(ctx context.Context, baseURL string) (State, error) {
	var s State
	err := do(ctx, http.MethodGet, join(baseURL, "/state"), nil, &s)
	return s, err
}

// PatchConfig changes the LB's policy (PATCH /config) and returns its new
// state; on a 400 nothing changed and the error names the field.
func PatchConfig(ctx context.Context, baseURL string, fields map[string]any) (State, error) {
	var s State
	err := do(ctx, http.MethodPatch, join(baseURL, "/config"), fields, &s)
	return s, err
}

// PatchMember changes one member's state, weight or delay.
func PatchMember(ctx context.Context, baseURL, member string, fields map[string]any) (State, error) {
	var s State
	err := do(ctx, http.MethodPatch, join(baseURL, "/members/"+url.PathEscape(member)), fields, &s)
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
