package fakeapp

import (
	"net/http/httptest"
	"testing"

	"github.com/stickylab/stickylab/internal/localguard/guardtest"
)

// The admin API flushes sessions for the lab's own clients only: what a web
// page the user visits could send is refused, and the sessions stay.
func TestTheAdminAPIRefusesWhatAWebPageCouldSend(t *testing.T) {
	json := map[string]string{"Content-Type": "application/json"}
	for _, tc := range []struct {
		name, method, path string
		header             map[string]string
		host               string // overrides the server's address in Host
		want               int
		flushes            bool
	}{
		{name: "a local flush", method: "DELETE", path: "/admin/sessions", header: json, want: 200, flushes: true},
		{name: "a local count", method: "GET", path: "/admin/sessions", want: 200},
		{name: "a foreign Origin", method: "DELETE", path: "/admin/sessions",
			header: map[string]string{"Content-Type": "application/json", "Origin": "http://evil.example"}, want: 403},
		{name: "a page on another local port", method: "DELETE", path: "/admin/sessions",
			header: map[string]string{"Content-Type": "application/json", "Origin": "http://localhost:3000"}, want: 403},
		{name: "a rebinding Host", method: "DELETE", path: "/admin/sessions", header: json, host: "evil.example", want: 403},
		{name: "a rebinding Host reading the count", method: "GET", path: "/admin/sessions", host: "evil.example:8081", want: 403},
		{name: "a text/plain state change", method: "DELETE", path: "/admin/sessions",
			header: map[string]string{"Content-Type": "text/plain"}, want: 415},
		{name: "a form POST", method: "POST", path: "/admin/sessions",
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, want: 415},
		{name: "a GET on the flush route only counts", method: "GET", path: "/admin/sessions?flush=1", want: 200},
		{name: "a JSON POST on the flush route", method: "POST", path: "/admin/sessions", header: json, want: 405},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app := newApp(t, Config{})
			newBrowser(t, app).login()
			status := guardtest.Status(t, app.Admin(), guardtest.Request{Method: tc.method, Path: tc.path, Host: tc.host, Header: tc.header})
			if status != tc.want {
				t.Fatalf("status %d, want %d", status, tc.want)
			}
			want := 1
			if tc.flushes {
				want = 0
			}
			if n := sessionCount(t, app); n != want {
				t.Fatalf("status %d left %d sessions, want %d", status, n, want)
			}
		})
	}
}

func TestTheAdminAPIAnswersItsOwnNetworkAlias(t *testing.T) {
	app := newApp(t, Config{AdminHosts: []string{"dc-east-1"}})
	for host, want := range map[string]int{"dc-east-1:8081": 200, "dc-east-2:8081": 403, "localhost:8081": 200} {
		r := httptest.NewRequest("GET", "/admin/sessions", nil)
		r.Host = host
		w := httptest.NewRecorder()
		app.Admin().ServeHTTP(w, r)
		if w.Code != want {
			t.Errorf("Host %s: %d, want %d: %s", host, w.Code, want, w.Body)
		}
	}
	if _, err := New(Config{Datacenter: "dc-east", AdminHosts: []string{"dc-east-1:8081"}}); err == nil {
		t.Error("a host with a port is not a host name")
	}
}
