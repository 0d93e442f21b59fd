package fakecdn

import (
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/stickylab/stickylab/internal/localguard/guardtest"
)

// adminSnapshot is everything an admin request could change: the state it
// reports and the number of key rotations.
func adminSnapshot(t *testing.T, lb *LB) string {
	t.Helper()
	lb.mu.Lock()
	keyN := lb.keyN
	lb.mu.Unlock()
	b, err := json.Marshal(struct {
		State State
		KeyN  int
	}{lb.State(), keyN})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The admin API answers what the lab's own clients send, and refuses what a
// web page the user visits could send it: each refusal leaves the LB as it was.
func TestTheAdminAPIRefusesWhatAWebPageCouldSend(t *testing.T) {
	for _, tc := range []struct {
		name, method, path, body string
		header                   map[string]string
		host                     string // overrides the server's address in Host
		want                     int
	}{
		{name: "a local JSON patch", method: "PATCH", path: "/config", body: `{"persistence":"none"}`,
			header: map[string]string{"Content-Type": "application/json"}, want: 200},
		{name: "a local key rotation with an empty JSON body", method: "POST", path: "/rotate-key",
			header: map[string]string{"Content-Type": "application/json"}, want: 200},
		{name: "a foreign Origin", method: "PATCH", path: "/config", body: `{"persistence":"none"}`,
			header: map[string]string{"Content-Type": "application/json", "Origin": "http://evil.example"}, want: 403},
		{name: "a page on another local port", method: "PATCH", path: "/members/dc-east-1", body: `{"state":"down"}`,
			header: map[string]string{"Content-Type": "application/json", "Origin": "http://127.0.0.1:3000"}, want: 403},
		{name: "a cross-site fetch", method: "POST", path: "/rotate-key",
			header: map[string]string{"Content-Type": "application/json", "Sec-Fetch-Site": "cross-site"}, want: 403},
		{name: "a rebinding Host", method: "PATCH", path: "/config", body: `{"persistence":"none"}`,
			header: map[string]string{"Content-Type": "application/json"}, host: "evil.example", want: 403},
		{name: "a rebinding Host reading the state", method: "GET", path: "/state", host: "evil.example:8081", want: 403},
		{name: "a text/plain state change", method: "PATCH", path: "/config", body: `{"persistence":"none"}`,
			header: map[string]string{"Content-Type": "text/plain"}, want: 415},
		{name: "a simple POST without a body", method: "POST", path: "/rotate-key", want: 415},
		{name: "a form POST", method: "POST", path: "/rotate-key", body: "x=1",
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, want: 415},
		{name: "a GET on a state-changing route", method: "GET", path: "/rotate-key", want: 405},
		{name: "a GET on the config route", method: "GET", path: "/config?persistence=none", want: 405},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lb := newTestLB(t, dcConfig(newBackend(t, "dc-east-1")))
			before := adminSnapshot(t, lb)
			status := guardtest.Status(t, lb.Admin(), guardtest.Request{Method: tc.method, Path: tc.path, Body: tc.body, Host: tc.host, Header: tc.header})
			if status != tc.want {
				t.Fatalf("status %d, want %d", status, tc.want)
			}
			changed := adminSnapshot(t, lb) != before
			if changed != (tc.want == 200 && tc.method != "GET") {
				t.Fatalf("status %d, state changed: %v\nbefore %s\nafter  %s", status, changed, before, adminSnapshot(t, lb))
			}
		})
	}
}

func TestTheAdminAPIAnswersItsOwnNetworkAlias(t *testing.T) {
	lb := newTestLB(t, dcConfig(newBackend(t, "dc-east-1")), WithAdminHosts("dc-east-lb"))
	for host, want := range map[string]int{"dc-east-lb:8081": 200, "dc-west-lb:8081": 403, "127.0.0.1:8081": 200} {
		r := httptest.NewRequest("GET", "/state", nil)
		r.Host = host
		w := httptest.NewRecorder()
		lb.Admin().ServeHTTP(w, r)
		if w.Code != want {
			t.Errorf("Host %s: %d, want %d: %s", host, w.Code, want, w.Body)
		}
	}
	if _, err := New(dcConfig(newBackend(t, "dc-east-1")), WithAdminHosts("http://dc-east-lb")); err == nil {
		t.Error("a URL is not a host name")
	}
}
