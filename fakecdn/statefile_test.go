package fakecdn

import (
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// restart builds a new LB from the same configuration and state file, as a
// stopped and started process would.
func restart(t *testing.T, old *LB, cfg Config, path string) *LB {
	t.Helper()
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	lb, err := New(cfg, WithStateFile(path))
	if err != nil {
		t.Fatalf("restart: %v", err)
	}
	t.Cleanup(func() { lb.Close() })
	return lb
}

// withoutCounters is a state with what a restart rightly forgets zeroed:
// request counters.
func withoutCounters(st State) State {
	for i := range st.Members {
		st.Members[i].Requests = 0
	}
	return st
}

func TestEveryAdminChangeSurvivesARestartWithAStateFile(t *testing.T) {
	a, b := newBackend(t, "dc-east-1"), newBackend(t, "dc-east-2")
	cfg := dcConfig(a, b)
	cfg.Seed = 0 // a random key: only the state file can bring it back
	path := filepath.Join(t.TempDir(), "state.json")
	lb, err := New(cfg, WithStateFile(path))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ method, path, body string }{
		{"PATCH", "/config", `{"selection":"random","on_member_down":"temporary","cookie":{"ttl":"1h","nocache":true,"httponly":false,"secure":true}}`},
		{"PATCH", "/members/dc-east-2", `{"state":"draining","weight":3,"delay":"150ms"}`},
		{"POST", "/rotate-key", ""},
	} {
		if code, _, raw := admin(t, lb, c.method, c.path, c.body); code != http.StatusOK {
			t.Fatalf("%s %s: %d %s", c.method, c.path, code, raw)
		}
	}
	pin := cookieValue(setCookie(do(t, lb, nil), "lbs"))
	before := lb.State()
	if before.KeyGeneration != 1 {
		t.Fatalf("key generation after one rotation: %d", before.KeyGeneration)
	}

	lb = restart(t, lb, cfg, path)
	if after := lb.State(); !reflect.DeepEqual(withoutCounters(before), withoutCounters(after)) {
		t.Fatalf("the restarted LB differs:\nbefore %+v\nafter  %+v", before, after)
	}
	if r := do(t, lb, map[string]string{"lbs": pin}); reasonOf(r) != ReasonPersisted {
		t.Fatalf("a cookie issued before the restart must still decode: reason %q", reasonOf(r))
	}
}

func TestARotatedKeyIsTheOneThatSurvives(t *testing.T) {
	a := newBackend(t, "dc-east-1")
	cfg := dcConfig(a)
	path := filepath.Join(t.TempDir(), "state.json")
	lb := newTestLB(t, cfg, WithStateFile(path))
	old := cookieValue(setCookie(do(t, lb, nil), "lbs"))
	if err := lb.RotateKey(); err != nil {
		t.Fatal(err)
	}
	rotated := cookieValue(setCookie(do(t, lb, map[string]string{"lbs": old}), "lbs"))

	lb = restart(t, lb, lb.snap.Load().cfg, path)
	if r := do(t, lb, map[string]string{"lbs": old}); reasonOf(r) != ReasonUndecodable {
		t.Errorf("a cookie of the key rotated away must stay undecodable after a restart: %q", reasonOf(r))
	}
	if r := do(t, lb, map[string]string{"lbs": rotated}); reasonOf(r) != ReasonPersisted {
		t.Errorf("a cookie of the rotated key must decode after a restart: %q", reasonOf(r))
	}
}

func TestWithoutAStateFileARestartForgetsAdminChanges(t *testing.T) {
	a := newBackend(t, "dc-east-1")
	cfg := dcConfig(a)
	lb := newTestLB(t, cfg)
	if err := lb.Configure(ConfigPatch{Persistence: ptr(policy.PersistNone)}); err != nil {
		t.Fatal(err)
	}
	lb.Close()
	lb = newTestLB(t, cfg)
	if got := lb.State().Config.Persistence; got != "cookie" {
		t.Fatalf("no state file: the configuration file's persistence, got %q", got)
	}
}

func TestAChangeThatCannotBeSavedIsNotMade(t *testing.T) {
	a := newBackend(t, "dc-east-1")
	dir := filepath.Join(t.TempDir(), "gone")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	lb := newTestLB(t, dcConfig(a), WithStateFile(filepath.Join(dir, "state.json")))
	before := lb.State()
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ method, path, body string }{
		{"PATCH", "/config", `{"persistence":"none"}`},
		{"PATCH", "/members/dc-east-1", `{"state":"down","delay":"1s"}`},
		{"POST", "/rotate-key", ""},
	} {
		code, m, raw := admin(t, lb, c.method, c.path, c.body)
		if code != http.StatusInternalServerError || !strings.Contains(m["error"].(string), "state.json") {
			t.Errorf("%s %s with an unwritable state file: want 500 naming the file, got %d %s", c.method, c.path, code, raw)
		}
	}
	if after := lb.State(); !reflect.DeepEqual(withoutCounters(before), withoutCounters(after)) {
		t.Fatalf("nothing may change:\nbefore %+v\nafter  %+v", before, after)
	}
}

func TestABadStateFileStopsTheStartWithItsName(t *testing.T) {
	a := newBackend(t, "dc-east-1")
	dir := t.TempDir()
	other := filepath.Join(dir, "dc-west.json")
	west := dcConfig(a)
	west.Name = "dc-west"
	lb := newTestLB(t, west, WithStateFile(other))
	lb.Close()
	corrupt := filepath.Join(dir, "corrupt.json")
	if err := os.WriteFile(corrupt, []byte(`{"version":1,`), 0o600); err != nil {
		t.Fatal(err)
	}
	invalid := filepath.Join(dir, "invalid.json")
	data, _ := os.ReadFile(other)
	data = []byte(strings.Replace(strings.Replace(string(data), `"dc-west"`, `"dc-east"`, 1), `"persistence": "cookie"`, `"persistence": "sticky"`, 1))
	if err := os.WriteFile(invalid, data, 0o600); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		other:                              "saved by dc-west",
		corrupt:                            "corrupt.json",
		invalid:                            `"sticky"`,
		filepath.Join(dir, "no", "s.json"): "no/s.json",
	} {
		_, err := New(dcConfig(a), WithStateFile(path))
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), filepath.Base(path)) {
			t.Errorf("state file %s: want an error naming it and %q, got %v", filepath.Base(path), want, err)
		}
	}
}

func TestMembersTheConfigurationDropsAreDroppedFromTheState(t *testing.T) {
	a, b := newBackend(t, "dc-east-1"), newBackend(t, "dc-east-2")
	path := filepath.Join(t.TempDir(), "state.json")
	lb := newTestLB(t, dcConfig(a, b), WithStateFile(path))
	if err := lb.SetMember("dc-east-2", MemberPatch{State: ptr("down")}); err != nil {
		t.Fatal(err)
	}
	if err := lb.SetMember("dc-east-1", MemberPatch{Delay: ptr(Duration(5e6))}); err != nil {
		t.Fatal(err)
	}
	lb = restart(t, lb, dcConfig(a), path)
	st := lb.State()
	if len(st.Members) != 1 || st.Members[0].Delay != Duration(5e6) {
		t.Fatalf("only dc-east-1 is left, with its delay: %+v", st.Members)
	}
}

func TestResetKeyGivesBackTheSeedsFirstKey(t *testing.T) {
	a := newBackend(t, "dc-east-1")
	cfg := dcConfig(a)
	cfg.Seed = 7
	path := filepath.Join(t.TempDir(), "state.json")
	lb := newTestLB(t, cfg, WithStateFile(path))
	first := cookieValue(setCookie(do(t, lb, nil), "lbs"))
	if err := lb.RotateKey(); err != nil {
		t.Fatal(err)
	}
	rotated := cookieValue(setCookie(do(t, lb, map[string]string{"lbs": first}), "lbs"))
	if err := lb.ResetKey(); err != nil {
		t.Fatal(err)
	}
	if g := lb.State().KeyGeneration; g != 0 {
		t.Errorf("key generation after a reset: %d, want 0", g)
	}
	if r := do(t, lb, map[string]string{"lbs": first}); reasonOf(r) != ReasonPersisted {
		t.Errorf("a cookie of the seed's first key must decode after a reset: %q", reasonOf(r))
	}
	if r := do(t, lb, map[string]string{"lbs": rotated}); reasonOf(r) != ReasonUndecodable {
		t.Errorf("a cookie of the rotated key must be undecodable after a reset: %q", reasonOf(r))
	}
	lb = restart(t, lb, lb.snap.Load().cfg, path)
	if g := lb.State().KeyGeneration; g != 0 {
		t.Errorf("the reset key must be the one a restart restores: generation %d", g)
	}
}
