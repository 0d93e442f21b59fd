package fakeapp

import (
	"container/list"
	"context"
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
// created it; RedisStore reproduces the Redis session-state provider, where
// every server sharing the store sees every session.
//
// An error means the store could not be asked (ASP.NET's provider throws):
// the app answers it with an error page, never with a new session.
type SessionStore interface {
	// Get returns the live session with this id and, for a store with a
	// sliding timeout, extends its life.
	Get(ctx context.Context, id string) (Session, bool, error)
	Put(ctx context.Context, s Session) error
	Delete(ctx context.Context, id string) error
	// Len counts live sessions.
	Len(ctx context.Context) (int, error)
	// Flush removes every session.
	Flush(ctx context.Context) error
}

// MemoryStore is an in-process SessionStore with a sliding timeout and a
// bound on the number of sessions, safe for concurrent use. It never fails.
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

func (m *MemoryStore) Get(_ context.Context, id string) (Session, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	m.expire(now)
	el, ok := m.byID[id]
	if !ok {
		return Session{}, false, nil
	}
	e := el.Value.(*memEntry)
	e.expires = now.Add(m.timeout)
	m.lru.MoveToFront(el)
	return e.s, true, nil
}

func (m *MemoryStore) Put(_ context.Context, s Session) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	m.expire(now)
	if el, ok := m.byID[s.ID]; ok {
		el.Value = &memEntry{s: s, expires: now.Add(m.timeout)}
		m.lru.MoveToFront(el)
		return nil
	}
	m.byID[s.ID] = m.lru.PushFront(&memEntry{s: s, expires: now.Add(m.timeout)})
	for m.lru.Len() > m.max {
		m.remove(m.lru.Back())
	}
	return nil
}

func (m *MemoryStore) Delete(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if el, ok := m.byID[id]; ok {
		m.remove(el)
	}
	return nil
}

func (m *MemoryStore) Len(context.Context) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.expire(m.now())
	return m.lru.Len(), nil
}

func (m *MemoryStore) Flush(context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.lru.Init()
	clear(m.byID)
	return nil
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
