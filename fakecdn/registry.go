package fakecdn

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// registry holds the implementations of one kind of policy (selection
// policies, codecs) by name; announce makes each name valid in package
// policy, whose validation reads it. Files register from init.
type registry[K ~string, V any] struct {
	kind     string
	announce func(K) // panics on a name registered twice
	mu       sync.RWMutex
	specs    map[K]V
}

// newRegistry is named after K: policy.Selection holds "selection"s.
func newRegistry[K ~string, V any](announce func(K)) *registry[K, V] {
	kind := strings.ToLower(reflect.TypeFor[K]().Name())
	return &registry[K, V]{kind: kind, announce: announce, specs: map[K]V{}}
}

func (r *registry[K, V]) add(name K, spec V) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.announce(name)
	r.specs[name] = spec
}

// get is the implementation registered as name, or an error naming the
// registered ones.
func (r *registry[K, V]) get(name K) (V, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	spec, ok := r.specs[name]
	if !ok {
		names := make([]string, 0, len(r.specs))
		for n := range r.specs {
			names = append(names, string(n))
		}
		slices.Sort(names)
		return spec, fmt.Errorf("%s %q is not one of %v", r.kind, name, names)
	}
	return spec, nil
}
