package fakeapp

import (
	"crypto/subtle"
	"sync"
)

// users is one instance's user table. A password change stays on the
// instance that made it, like everything else this app keeps in memory.
type users struct {
	mu sync.RWMutex
	pw map[string]string
}

func (u *users) check(name, password string) bool {
	u.mu.RLock()
	want, ok := u.pw[name]
	u.mu.RUnlock()
	return ok && subtle.ConstantTimeCompare([]byte(want), []byte(password)) == 1
}

// change sets a new password if old is the current one.
func (u *users) change(name, old, new string) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	want, ok := u.pw[name]
	if !ok || subtle.ConstantTimeCompare([]byte(want), []byte(old)) != 1 {
		return false
	}
	u.pw[name] = new
	return true
}
