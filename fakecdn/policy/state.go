package policy

// State is GET /state (and the answer of every admin change): the LB, its
// current configuration and its members.
type State struct {
	Name    string        `json:"name"`
	Role    string        `json:"role"`
	Config  Config        `json:"config"`
	Members []MemberState `json:"members"`
	// KeyGeneration counts the f5-encrypted key's rotations (0: the first
	// key). It survives a restart with a state file, as the key does.
	KeyGeneration int `json:"key_generation"`
}

// MemberState is one member as GET /state reports it. It is usable when
// State is "up" and Healthy.
type MemberState struct {
	Name     string   `json:"name"`
	URL      string   `json:"url"`
	Weight   float64  `json:"weight"`
	State    string   `json:"state"` // up | down | draining
	Healthy  bool     `json:"healthy"`
	Delay    Duration `json:"delay"`
	Requests uint64   `json:"requests"`
}

// Member returns the member named name.
func (s State) Member(name string) (MemberState, bool) {
	for _, m := range s.Members {
		if m.Name == name {
			return m, true
		}
	}
	return MemberState{}, false
}

// Usable reports whether the member takes new requests: up and healthy.
func (m MemberState) Usable() bool { return m.State == StateUp && m.Healthy }

// MemberPatch is PATCH /members/{name}: nil fields stay as they are.
type MemberPatch struct {
	State  *string   `json:"state,omitempty"`  // up | down | draining
	Weight *float64  `json:"weight,omitempty"` // > 0
	Delay  *Duration `json:"delay,omitempty"`  // added before proxying, >= 0
}

// Validate checks a member patch; every problem names its field.
func (p MemberPatch) Validate() ConfigError {
	var errs ConfigError
	if p.State != nil {
		oneOf(&errs, "state", *p.State, MemberStates)
	}
	if p.Weight != nil && !(*p.Weight > 0) {
		errs.add("weight", "must be > 0, got %v", *p.Weight)
	}
	if p.Delay != nil && *p.Delay < 0 {
		errs.add("delay", "must not be negative, got %s", p.Delay.Std())
	}
	return errs
}

// ResetMember is the patch that puts a member back as a fresh lab has it:
// up, with weight, no delay.
func ResetMember(weight float64) MemberPatch {
	return MemberPatch{State: Ptr(StateUp), Weight: &weight, Delay: Ptr(Duration(0))}
}
