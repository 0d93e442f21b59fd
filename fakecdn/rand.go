package fakecdn

import (
	crand "crypto/rand"
	"encoding/binary"
	"math/rand/v2"
	"sync"
)

// lockedRand is a concurrency-safe source: with a non-zero seed every random
// choice of the LB (selection, nonces) is reproducible.
type lockedRand struct {
	mu sync.Mutex
	r  *rand.Rand
}

func newLockedRand(seed int64) *lockedRand {
	s := uint64(seed)
	if seed == 0 {
		var b [8]byte
		_, _ = crand.Read(b[:])
		s = binary.LittleEndian.Uint64(b[:])
	}
	return &lockedRand{r: rand.New(rand.NewPCG(s, s^0x9e3779b97f4a7c15))}
}

func (l *lockedRand) Float64() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Float64()
}

// Read fills b; it never fails (io.Reader for GCM nonces).
func (l *lockedRand) Read(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := 0; i < len(b); i += 8 {
		var w [8]byte
		binary.LittleEndian.PutUint64(w[:], l.r.Uint64())
		copy(b[i:], w[:])
	}
	return len(b), nil
}

// reseed rewinds the source to where newLockedRand(seed) starts; with a zero
// seed it draws a new random one.
func (l *lockedRand) reseed(seed int64) {
	fresh := newLockedRand(seed)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.r = fresh.r
}
