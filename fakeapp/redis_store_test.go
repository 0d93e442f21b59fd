package fakeapp

import (
	"net/http"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
)

// newRedis starts an in-process Redis and returns it with a store on it.
func newRedis(t *testing.T, timeout time.Duration) (*miniredis.Miniredis, *RedisStore) {
	t.Helper()
	mr := miniredis.RunT(t)
	store, err := NewRedisStore(mr.Addr(), "portal", timeout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return mr, store
}

func TestRedisStoreKeysSessionsByPrefixedIDWithTheTimeout(t *testing.T) {
	mr, store := newRedis(t, 20*time.Minute)
	s := memT{t, store}
	s.Put(Session{ID: "abc", User: "alice", AuthenKey: "k"})

	key := "{portal_abc}_Data"
	if got := mr.HGet(key, "User"); got != "alice" {
		t.Fatalf("HGET %s User = %q, want alice; keys: %v", key, got, mr.Keys())
	}
	if ttl := mr.TTL(key); ttl != 20*time.Minute {
		t.Fatalf("TTL %s = %v, want the 20m session timeout", key, ttl)
	}
	if got, ok := s.Get("abc"); !ok || got != (Session{ID: "abc", User: "alice", AuthenKey: "k"}) {
		t.Fatalf("Get = %+v, %v", got, ok)
	}
}

func TestRedisStoreSlidingExpiryIsRenewedOnAccess(t *testing.T) {
	mr, store := newRedis(t, 20*time.Minute)
	slidingExpiry(memT{t, store}, mr.FastForward)
	if mr.Exists("{portal_a}_Data") {
		t.Fatal("a missed Get recreated the key")
	}
}

func TestRedisStoreLenDeleteAndFlushSeeOnlyItsPrefix(t *testing.T) {
	mr, store := newRedis(t, time.Hour)
	mr.Set("unrelated", "x")
	s := memT{t, store}
	for _, id := range []string{"a", "b", "c"} {
		s.Put(Session{ID: id})
	}
	s.Delete("b")
	if n := s.Len(); n != 2 {
		t.Fatalf("Len = %d, want 2", n)
	}
	s.Flush()
	if n := s.Len(); n != 0 || !mr.Exists("unrelated") {
		t.Fatalf("after Flush: Len %d, keys %v", n, mr.Keys())
	}
}

func TestRedisStoreSharesSessionsBetweenServers(t *testing.T) {
	_, store := newRedis(t, 0)
	east := newApp(t, Config{Datacenter: "dc-east", KeyScope: KeyScopeShared, Sessions: store})
	west := newApp(t, Config{Datacenter: "dc-west", KeyScope: KeyScopeShared, Sessions: store})

	b := newBrowser(t, east)
	b.login()
	b.h = west // the balancer sends the next request to the other datacenter
	if resp := b.get("/account"); resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /account on the other server = %d %s; the shared store should know the session",
			resp.StatusCode, resp.Header.Get(HeaderFailure))
	}
}

func TestUnreachableRedisIsAnErrorPageNeverANewSession(t *testing.T) {
	mr, store := newRedis(t, 0)
	app := newApp(t, Config{Sessions: store})
	b := newBrowser(t, app)
	b.login()
	mr.Close()

	for _, step := range []struct {
		name string
		do   func() *http.Response
	}{
		{"GET /account", func() *http.Response { return b.get("/account") }},
		{"POST /login", func() *http.Response { return b.login() }},
	} {
		resp := step.do()
		if resp.StatusCode != http.StatusInternalServerError || resp.Header.Get(HeaderFailure) != FailureStoreUnavailable {
			t.Errorf("%s with Redis down = %d %q, want 500 %q", step.name,
				resp.StatusCode, resp.Header.Get(HeaderFailure), FailureStoreUnavailable)
		}
	}
	if code, body := adminCall(t, app, "GET", "/admin/sessions"); code != http.StatusServiceUnavailable {
		t.Errorf("GET /admin/sessions with Redis down = %d %s, want 503", code, body)
	}
}

func TestAdminReportsEvictedKeys(t *testing.T) {
	_, store := newRedis(t, 0)
	app := newApp(t, Config{Sessions: store})
	code, body := adminCall(t, app, "GET", "/admin/sessions")
	if code != http.StatusOK || body != `{"count":0,"evicted_keys":0}` {
		t.Fatalf("GET /admin/sessions = %d %q", code, body)
	}
}

func TestParseInfoIntReadsEvictedKeys(t *testing.T) {
	info := "# Stats\r\ntotal_connections_received:3\r\nevicted_keys:42\r\nexpired_keys:1\r\n"
	if n, err := parseInfoInt(info, "evicted_keys"); n != 42 || err != nil {
		t.Fatalf("parseInfoInt = %d, %v; want 42", n, err)
	}
	if _, err := parseInfoInt("evicted_keys:lots\r\n", "evicted_keys"); err == nil {
		t.Fatal("a non-numeric evicted_keys was accepted")
	}
}

func TestNewRedisStoreRejectsBadInput(t *testing.T) {
	if _, err := NewRedisStore("", "p", 0); err == nil {
		t.Error("empty address accepted")
	}
	if _, err := NewRedisStore("127.0.0.1:1", "a*b", 0); err == nil {
		t.Error("glob prefix accepted")
	}
}
