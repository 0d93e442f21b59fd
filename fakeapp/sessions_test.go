package fakeapp

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// slidingExpiry is the contract of every store whose timeout is 20 minutes:
// a session lives 20 minutes after its last use, and each Get renews it.
func slidingExpiry(s memT, advance func(time.Duration)) {
	s.t.Helper()
	s.Put(Session{ID: "a", User: "alice"})
	advance(19 * time.Minute)
	if _, ok := s.Get("a"); !ok {
		s.t.Fatal("session gone before its timeout")
	}
	advance(19 * time.Minute) // 38 minutes after Put, 19 after last use
	if _, ok := s.Get("a"); !ok {
		s.t.Fatal("Get did not extend the session")
	}
	advance(20 * time.Minute)
	if _, ok := s.Get("a"); ok {
		s.t.Fatal("session alive 20 minutes after last use")
	}
}

func TestMemoryStoreSlidingExpiry(t *testing.T) {
	clock := newFakeClock()
	m := memT{t, NewMemoryStore(20*time.Minute, 10, clock.Now)}
	slidingExpiry(m, clock.advance)
	if n := m.Len(); n != 0 {
		t.Fatalf("Len = %d after expiry, want 0", n)
	}
}

func TestMemoryStoreLenCountsOnlyLiveSessions(t *testing.T) {
	clock := newFakeClock()
	m := memT{t, NewMemoryStore(time.Minute, 10, clock.Now)}
	m.Put(Session{ID: "old"})
	clock.advance(30 * time.Second)
	m.Put(Session{ID: "new"})
	clock.advance(40 * time.Second)
	if n := m.Len(); n != 1 {
		t.Fatalf("Len = %d, want 1 (old expired)", n)
	}
}

func TestMemoryStoreEvictsLeastRecentlyUsedBeyondMax(t *testing.T) {
	clock := newFakeClock()
	m := memT{t, NewMemoryStore(time.Hour, 3, clock.Now)}
	for _, id := range []string{"a", "b", "c"} {
		m.Put(Session{ID: id})
		clock.advance(time.Second)
	}
	m.Get("a") // a is now the most recently used; b the oldest
	m.Put(Session{ID: "d"})

	if n := m.Len(); n != 3 {
		t.Fatalf("Len = %d, want 3", n)
	}
	if _, ok := m.Get("b"); ok {
		t.Error("b survived; the least recently used session should be evicted")
	}
	for _, id := range []string{"a", "c", "d"} {
		if _, ok := m.Get(id); !ok {
			t.Errorf("%s evicted", id)
		}
	}
}

func TestMemoryStorePutReplacesDeleteAndFlush(t *testing.T) {
	m := memT{t, NewMemoryStore(0, 0, nil)}
	m.Put(Session{ID: "a", User: "alice"})
	m.Put(Session{ID: "a", User: "bob"})
	if s, _ := m.Get("a"); s.User != "bob" || m.Len() != 1 {
		t.Fatalf("Put did not replace: %+v, Len %d", s, m.Len())
	}
	m.Delete("a")
	m.Delete("missing")
	if m.Len() != 0 {
		t.Fatal("Delete left the session")
	}
	m.Put(Session{ID: "x"})
	m.Put(Session{ID: "y"})
	m.Flush()
	if _, ok := m.Get("x"); ok || m.Len() != 0 {
		t.Fatal("Flush left sessions")
	}
}

func TestMemoryStoreIsSafeUnderConcurrency(t *testing.T) {
	m := memT{t, NewMemoryStore(time.Hour, 50, nil)}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				id := fmt.Sprintf("%d-%d", g, i%80)
				m.Put(Session{ID: id})
				m.Get(id)
				if i%7 == 0 {
					m.Delete(id)
				}
				m.Len()
			}
		})
	}
	wg.Wait()
	if n := m.Len(); n > 50 {
		t.Fatalf("Len = %d, beyond max 50", n)
	}
}

func TestAppSessionBoundComesFromConfig(t *testing.T) {
	app := newApp(t, Config{MaxSessions: 2})
	for range 5 {
		newBrowser(t, app).login()
	}
	if n := sessionCount(t, app); n != 2 {
		t.Fatalf("SessionCount = %d, want 2", n)
	}
}
