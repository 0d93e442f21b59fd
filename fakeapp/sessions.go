package fakeapp

import (
	"container/list"
	"sync"
	"time"
)

// Session is what a login leaves on the server.
type Session struct {
	ID        string // the ASP.NET_SessionId cookie value
	User      string
	AuthenKey string // the authenKey cookie value issued with the session
}

// SessionStore holds sessions. The in-process MemoryStore reproduces
// ASP.NET's InProc mode, where a session exists only on the server that
// created it; a shared store makes sessions survive a change of server.
type SessionStore interface {
	// Get returns the live session with this id and, for a store with a
	// sliding timeout, extends its life.
	Get(id string) (Session, bool)
	Put(s Session)
	Delete(id string)
	// Len counts live sessions.
	Len() int
	// Flush removes every session.
	Flush()
}

// MemoryStore is an in-process SessionStore with a sliding timeout and a
// bound on the number of sessions, safe for concurrent use.
type MemoryStore struct {
	timeout time.Duration
	max     int
	now     func() time.Time

	mu sync.Mutex
	// lru orders entries by last use, most recent at the front. With a
	// sliding timeout the back is also the first to expire, so expiry and
	// eviction both trim from the back.
	lru  *list.List
	byID map[string]*list.Element
}

type memEntry struct {
	s       Session
	expires time.Time
}

// NewMemoryStore returns a store whose sessions expire timeout after their
// last use and which evicts the least recently used session beyond max.
// now may be nil (time.Now).
func NewMemoryStore(timeout time.Duration, max int, now func() time.Time) *MemoryStore {
	if timeout <= 0 {
		timeout = DefaultSessionTimeout
	}
	if max <= 0 {
		max = DefaultMaxSessions
	}
	if now == nil {
		now = time.Now
	}
	return &MemoryStore{timeout: timeout, max: max, now: now, lru: list.New(), byID: map[string]*list.Element{}}
}

func (m *MemoryStore) Get(id string) (Session, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	m.expire(now)
	el, ok := m.byID[id]
	if !ok {
		return Session{}, false
	}
	e := el.Value.(*memEntry)
	e.expires = now.Add(m.timeout)
	m.lru.MoveToFront(el)
	return e.s, true
}

func (m *MemoryStore) Put(s Session) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	m.expire(now)
	if el, ok := m.byID[s.ID]; ok {
		el.Value = &memEntry{s: s, expires: now.Add(m.timeout)}
		m.lru.MoveToFront(el)
		return
	}
	m.byID[s.ID] = m.lru.PushFront(&memEntry{s: s, expires: now.Add(m.timeout)})
	for m.lru.Len() > m.max {
		m.remove(m.lru.Back())
	}
}

func (m *MemoryStore) Delete(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if el, ok := m.byID[id]; ok {
		m.remove(el)
	}
}

func (m *MemoryStore) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.expire(m.now())
	return m.lru.Len()
}

func (m *MemoryStore) Flush() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.lru.Init()
	clear(m.byID)
}

// expire drops sessions whose timeout has passed; it costs only the number
// of expired entries.
func (m *MemoryStore) expire(now time.Time) {
	for el := m.lru.Back(); el != nil; el = m.lru.Back() {
		if now.Before(el.Value.(*memEntry).expires) {
			return
		}
		m.remove(el)
	}
}

func (m *MemoryStore) remove(el *list.Element) {
	delete(m.byID, el.Value.(*memEntry).s.ID)
	m.lru.Remove(el)
}
