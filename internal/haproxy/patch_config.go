package haproxy

import (
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"slices"
	"sort"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// patchable are the fields PATCH /config takes (policy.Patch's, as
// fakecdn's), and those of its cookie.
var (
	patchable       = fieldNames(&policy.Patch{})
	patchableCookie = fieldNames(&policy.CookiePatch{})
)

// fieldNames are the wire names of the fields of the struct v points to.
func fieldNames(v any) []string {
	var names []string
	for name := range policy.Fields(v) {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// patchConfig accepts a body that restates the policy haproxy runs (the lab
// resets every LB that way) and refuses any change, naming the field:
// haproxy reads its policy from its configuration file at start.
func (s *Shim) patchConfig(r *http.Request) error {
	var patch map[string]json.RawMessage
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&patch); err != nil {
		return badRequest("body", "not a JSON object: %v", err)
	}
	current, err := asFields(s.cfg.Patch()) // every field, zero values too, as the lab's reset sends them
	if err != nil {
		return err
	}
	if err := sameFields("", patch, current, patchable); err != nil {
		return err
	}
	var cookie, currentCookie map[string]json.RawMessage
	if raw, ok := patch["cookie"]; ok {
		if err := json.Unmarshal(raw, &cookie); err != nil {
			return badRequest("cookie", "not a JSON object: %v", err)
		}
		if err := json.Unmarshal(current["cookie"], &currentCookie); err != nil {
			return err
		}
	}
	return sameFields("cookie.", cookie, currentCookie, patchableCookie)
}

// sameFields checks that every field of patch is known and equal to its
// current value (an absent current value is JSON null).
func sameFields(prefix string, patch, current map[string]json.RawMessage, known []string) error {
	keys := make([]string, 0, len(patch))
	for k := range patch {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !slices.Contains(known, k) {
			return badRequest(prefix+k, "unknown field")
		}
		if k == "cookie" && prefix == "" {
			continue // compared field by field
		}
		want, got := decode(patch[k]), decode(current[k])
		if !reflect.DeepEqual(want, got) {
			return badRequest(prefix+k, "haproxy runs %v and reads its policy from its configuration file at start: "+
				"it cannot change to %v at run time; start a lab whose topology says so", show(got), show(want))
		}
	}
	return nil
}

func asFields(v any) (map[string]json.RawMessage, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	return m, json.Unmarshal(b, &m)
}

func decode(raw json.RawMessage) any {
	var v any
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &v)
	}
	return v
}

func show(v any) string {
	if v == nil {
		return "unset"
	}
	b, _ := json.Marshal(v)
	return string(b)
}
