package policy

import (
	"slices"
	"sync"
)

// registry is a set of names registered from init functions.
type registry[T ~string] struct {
	mu    sync.RWMutex
	kind  string
	names []T
}

func (r *registry[T]) add(name T) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if name == "" || slices.Contains(r.names, name) {
		panic("policy: " + r.kind + " " + string(name) + " registered twice or unnamed")
	}
	r.names = append(r.names, name)
	slices.Sort(r.names)
}

func (r *registry[T]) list() []T {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return slices.Clone(r.names)
}

var (
	selections = &registry[Selection]{kind: FieldSelection}
	codecs     = &registry[Codec]{kind: "codec"}
)

// RegisterSelection makes name a valid selection. fakecdn calls it from the
// init of the file that implements the policy; it panics on a name
// registered twice.
func RegisterSelection(name Selection) { selections.add(name) }

// Selections lists the registered selection policies, sorted.
func Selections() []Selection { return selections.list() }

// RegisterCodec makes name a valid cookie codec. fakecdn calls it from the
// init of the file that implements the codec; it panics on a name
// registered twice.
func RegisterCodec(name Codec) { codecs.add(name) }

// Codecs lists the registered codecs, sorted.
func Codecs() []Codec { return codecs.list() }
