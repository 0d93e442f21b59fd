package fakeapp

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func adminCall(t *testing.T, app *App, method, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	r := httptest.NewRequest(method, "http://127.0.0.1:8081"+path, nil)
	r.Header.Set("Content-Type", "application/json") // as the lab's clients send
	app.Admin().ServeHTTP(rec, r)
	return rec.Code, strings.TrimSpace(rec.Body.String())
}

func TestAdminSessions(t *testing.T) {
	app := newApp(t, Config{})
	if code, body := adminCall(t, app, "GET", "/admin/sessions"); code != 200 || body != `{"count":0}` {
		t.Fatalf("GET /admin/sessions = %d %s", code, body)
	}
	b := newBrowser(t, app)
	b.login()
	newBrowser(t, app).login()
	if _, body := adminCall(t, app, "GET", "/admin/sessions"); body != `{"count":2}` {
		t.Fatalf("after two logins: %s", body)
	}
	if code, body := adminCall(t, app, "DELETE", "/admin/sessions"); code != 200 || body != `{"count":0,"flushed":2}` {
		t.Fatalf("DELETE /admin/sessions = %d %s", code, body)
	}
	// A flush is a restart as far as users are concerned.
	wantFailure(t, b.get("/account"), FailureSessionMissing)
}

func TestAdminHealthzAndUnknownRoutes(t *testing.T) {
	app := newApp(t, Config{})
	if code, body := adminCall(t, app, "GET", "/healthz"); code != 200 || body != "ok" {
		t.Fatalf("GET /healthz = %d %q", code, body)
	}
	if code, _ := adminCall(t, app, "GET", "/login"); code != http.StatusNotFound {
		t.Fatalf("admin serves pages: %d", code)
	}
	if code, _ := adminCall(t, app, "POST", "/admin/sessions"); code != http.StatusMethodNotAllowed {
		t.Fatalf("POST /admin/sessions = %d", code)
	}
}

func TestFlushSessions(t *testing.T) {
	app := newApp(t, Config{})
	newBrowser(t, app).login()
	if err := app.FlushSessions(t.Context()); err != nil {
		t.Fatal(err)
	}
	if sessionCount(t, app) != 0 {
		t.Fatal("FlushSessions left sessions")
	}
}
