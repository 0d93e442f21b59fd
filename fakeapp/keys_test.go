package fakeapp

import (
	"net/http"
	"testing"
)

// crossPost gets the login form from one app and posts it to another, as a
// load balancer without persistence would.
func crossPost(t *testing.T, from, to *App) *http.Response {
	t.Helper()
	b := newBrowser(t, from)
	b.get("/login")
	b.h = to
	return b.post("/login", loginForm(b.formToken(), "alice", "wonderland"))
}

func TestKeyScopes(t *testing.T) {
	type inst struct{ dc, name, secret string }
	cases := []struct {
		scope  KeyScope
		a, b   inst
		accept bool
	}{
		{KeyScopeDatacenter, inst{"dc-east", "dc-east-1", ""}, inst{"dc-east", "dc-east-2", ""}, true},
		{KeyScopeDatacenter, inst{"dc-east", "dc-east-1", ""}, inst{"dc-west", "dc-west-1", ""}, false},
		{KeyScopeDatacenter, inst{"dc-east", "dc-east-1", "s1"}, inst{"dc-east", "dc-east-2", "s2"}, false},
		{KeyScopeInstance, inst{"dc-east", "dc-east-1", ""}, inst{"dc-east", "dc-east-2", ""}, false},
		{KeyScopeInstance, inst{"dc-east", "dc-east-1", ""}, inst{"dc-east", "dc-east-1", ""}, true},
		{KeyScopeShared, inst{"dc-east", "dc-east-1", ""}, inst{"dc-west", "dc-west-1", ""}, true},
		{KeyScopeShared, inst{"dc-east", "dc-east-1", "s1"}, inst{"dc-west", "dc-west-1", "s2"}, false},
	}
	for _, tc := range cases {
		name := string(tc.scope) + "/" + tc.a.name + "->" + tc.b.name
		if tc.a.secret != tc.b.secret {
			name += "/different-secrets"
		}
		t.Run(name, func(t *testing.T) {
			mk := func(i inst) *App {
				return newApp(t, Config{Datacenter: i.dc, Instance: i.name, KeySecret: i.secret, KeyScope: tc.scope})
			}
			resp := crossPost(t, mk(tc.a), mk(tc.b))
			if tc.accept {
				wantStatus(t, resp, http.StatusFound)
			} else {
				wantStatus(t, resp, http.StatusInternalServerError)
				wantFailure(t, resp, FailureUndecryptable)
			}
		})
	}
}

func TestDefaultKeyScopeIsDatacenter(t *testing.T) {
	a := newApp(t, Config{Datacenter: "dc-east", Instance: "dc-east-1"})
	b := newApp(t, Config{Datacenter: "dc-east", Instance: "dc-east-2"})
	wantStatus(t, crossPost(t, a, b), http.StatusFound)
}

func TestMachineKeysDifferByScope(t *testing.T) {
	seen := map[string]KeyScope{}
	for _, s := range []KeyScope{KeyScopeInstance, KeyScopeDatacenter, KeyScopeShared} {
		k, err := machineKey("secret", s, "dc", "dc-1")
		if err != nil {
			t.Fatal(err)
		}
		if len(k) != 32 {
			t.Fatalf("%s key is %d bytes, want 32", s, len(k))
		}
		if prev, dup := seen[string(k)]; dup {
			t.Fatalf("%s and %s derive the same key", prev, s)
		}
		seen[string(k)] = s
	}
	if _, err := machineKey("secret", "farm", "dc", "dc-1"); err == nil {
		t.Error("unknown scope accepted")
	}
}
