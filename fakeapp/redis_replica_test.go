package fakeapp

import (
	"net/http"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
)

// newReplicaStore reads one in-process Redis and writes another: a replica
// whose replication the test does by hand.
func newReplicaStore(t *testing.T) (replica, primary *miniredis.Miniredis, store *RedisStore) {
	t.Helper()
	replica, primary = miniredis.RunT(t), miniredis.RunT(t)
	store, err := NewRedisStore(replica.Addr(), "portal", 20*time.Minute, WriteTo(primary.Addr()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return replica, primary, store
}

func TestAReplicaStoreWritesThePrimaryAndReadsTheReplica(t *testing.T) {
	replica, primary, store := newReplicaStore(t)
	s := memT{t, store}
	s.Put(Session{ID: "abc", User: "alice", AuthenKey: "k"})
	if !primary.Exists("{portal_abc}_Data") || replica.Exists("{portal_abc}_Data") {
		t.Fatalf("after Put: primary keys %v, replica keys %v; want the session on the primary only", primary.Keys(), replica.Keys())
	}
	if _, ok := s.Get("abc"); ok {
		t.Fatal("Get found a session that has not replicated yet")
	}
	replica.HSet("{portal_abc}_Data", "User", "alice", "AuthenKey", "k") // it replicates
	primary.FastForward(10 * time.Minute)
	if got, ok := s.Get("abc"); !ok || got.User != "alice" {
		t.Fatalf("Get after replication = %+v, %v", got, ok)
	}
	if ttl := primary.TTL("{portal_abc}_Data"); ttl != 20*time.Minute {
		t.Fatalf("primary TTL %v: the read should renew the sliding expiry on the primary", ttl)
	}
}

func TestAnAppReadingAReplicaSaysSoAndMissesSessionsNotYetReplicated(t *testing.T) {
	_, _, store := newReplicaStore(t)
	app := newApp(t, Config{Datacenter: "dc-west", KeyScope: KeyScopeShared, Sessions: store})
	b := newBrowser(t, app)
	resp := b.login()
	if got := resp.Header.Get(HeaderStore); got != "replica" {
		t.Fatalf("%s = %q, want replica", HeaderStore, got)
	}
	resp = b.get("/account")
	wantFailure(t, resp, FailureSessionMissing)
}

func TestAStoppedPrimaryIsAStoreFailureForTheReplicasApps(t *testing.T) {
	_, primary, store := newReplicaStore(t)
	app := newApp(t, Config{Datacenter: "dc-west", KeyScope: KeyScopeShared, Sessions: store})
	primary.Close()
	resp := newBrowser(t, app).login()
	wantFailure(t, resp, FailureStoreUnavailable)
	if resp.StatusCode != http.StatusInternalServerError {
		t.Fatalf("status %d, want ASP.NET's 500", resp.StatusCode)
	}
}

func TestWriteToNeedsAnAddress(t *testing.T) {
	if _, err := NewRedisStore("127.0.0.1:1", "p", 0, WriteTo("")); err == nil {
		t.Fatal("WriteTo(\"\") was accepted")
	}
}

// The offsets themselves need redis-server (miniredis has no INFO
// replication): lab.WaitReplicated's tests read them.
func TestAdminReplicationIsOnlyForAnAppReadingAReplica(t *testing.T) {
	if code, _ := adminCall(t, newApp(t, Config{Datacenter: "dc-east"}), "GET", "/admin/replication"); code != http.StatusNotFound {
		t.Fatalf("GET /admin/replication of a memory store = %d, want 404", code)
	}
}
