package fakeapp

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func patchSettings(t *testing.T, app *App, body string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodPatch, "http://127.0.0.1:8081/admin/settings", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	app.Admin().ServeHTTP(rec, r)
	return rec.Code, strings.TrimSpace(rec.Body.String())
}

// Two datacenters' apps reject each other's tokens until both are switched
// to the shared machine key at run time, and accept them from then on, as
// if they had been started with it.
func TestTheMachineKeyScopeChangesAtRunTime(t *testing.T) {
	east := newApp(t, Config{Datacenter: "dc-east", Instance: "dc-east-1"})
	west := newApp(t, Config{Datacenter: "dc-west", Instance: "dc-west-1"})
	wantFailure(t, crossPost(t, east, west), FailureUndecryptable)

	for _, app := range []*App{east, west} {
		if code, body := patchSettings(t, app, `{"machine_key":"shared"}`); code != 200 || body != `{"machine_key":"shared"}` {
			t.Fatalf("PATCH /admin/settings = %d %s", code, body)
		}
	}
	wantStatus(t, crossPost(t, east, west), http.StatusFound)
	if code, body := adminCall(t, west, "GET", "/admin/settings"); code != 200 || body != `{"machine_key":"shared"}` {
		t.Fatalf("GET /admin/settings = %d %s", code, body)
	}
}

func TestABadSettingIsRefusedNamingItAndChangesNothing(t *testing.T) {
	app := newApp(t, Config{Datacenter: "dc-east"})
	for body, want := range map[string]string{
		`{"machine_key":"farm"}`:   `"field":"machine_key"`,
		`{"session_timeout":"1m"}`: `unknown field \"session_timeout\"`,
		`machine_key=shared`:       `"field":"body"`,
	} {
		code, got := patchSettings(t, app, body)
		if code != http.StatusBadRequest || !strings.Contains(got, want) {
			t.Errorf("PATCH %s = %d %s, want 400 with %s", body, code, got, want)
		}
	}
	if s := app.Settings(); s.MachineKey != KeyScopeDatacenter {
		t.Fatalf("a refused patch changed the scope to %s", s.MachineKey)
	}
}

// With a state file, a restarted app comes back with the scope it was
// switched to, not the one it was started with.
func TestTheStateFileKeepsTheScopeAcrossARestart(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.json")
	cfg := Config{Datacenter: "dc-east", Instance: "dc-east-1", StateFile: state}
	if err := newApp(t, cfg).SetKeyScope(KeyScopeShared); err != nil {
		t.Fatal(err)
	}
	restarted := newApp(t, cfg)
	if s := restarted.Settings(); s.MachineKey != KeyScopeShared {
		t.Fatalf("restarted with %s, want the saved shared", s.MachineKey)
	}
	other := newApp(t, Config{Datacenter: "dc-west", Instance: "dc-west-1", KeyScope: KeyScopeShared})
	wantStatus(t, crossPost(t, restarted, other), http.StatusFound)
}

func TestAStateFileThatCannotBeReadIsAnErrorNamingIt(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.json")
	if err := saveSettings(state, Settings{MachineKey: KeyScopeShared}); err != nil {
		t.Fatal(err)
	}
	if err := writeFile(state, `{"version":9,"machine_key":"shared"}`); err != nil {
		t.Fatal(err)
	}
	_, err := New(Config{Datacenter: "dc-east", StateFile: state})
	if err == nil || !strings.Contains(err.Error(), state) || !strings.Contains(err.Error(), "version 9") {
		t.Fatalf("got %v, want an error naming %s and its version", err, state)
	}
}

func writeFile(path, content string) error { return os.WriteFile(path, []byte(content), 0o600) }
