package fakecdn

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

func admin(t *testing.T, lb *LB, method, path, body string) (int, map[string]any, string) {
	t.Helper()
	r := httptest.NewRequest(method, "http://127.0.0.1:8081"+path, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json") // as the lab's clients send
	w := httptest.NewRecorder()
	lb.Admin().ServeHTTP(w, r)
	raw, _ := io.ReadAll(w.Result().Body)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return w.Code, m, string(raw)
}

func TestAdminStateShape(t *testing.T) {
	a := newBackend(t, "dc-east-1")
	lb := newTestLB(t, dcConfig(a))
	code, m, raw := admin(t, lb, "GET", "/state", "")
	if code != 200 || m["name"] != "dc-east" || m["role"] != "dc" {
		t.Fatalf("%d %s", code, raw)
	}
	mem := m["members"].([]any)[0].(map[string]any)
	for _, k := range []string{"name", "url", "weight", "state", "healthy", "delay", "requests"} {
		if _, ok := mem[k]; !ok {
			t.Errorf("member lacks %q: %s", k, raw)
		}
	}
	if mem["state"] != "up" || mem["delay"] != "0s" || m["config"].(map[string]any)["persistence"] != "cookie" {
		t.Fatalf("%s", raw)
	}
	if code, _, body := admin(t, lb, "GET", "/healthz", ""); code != 200 || body != "ok" {
		t.Fatalf("healthz %d %q", code, body)
	}
}

func TestAdminPatchConfigTakesEffectNextRequest(t *testing.T) {
	a, b := newBackend(t, "dc-east-1"), newBackend(t, "dc-east-2")
	lb := newTestLB(t, dcConfig(a, b))
	if setCookie(do(t, lb, nil), "lbs") == "" {
		t.Fatal("cookie expected")
	}
	code, m, raw := admin(t, lb, "PATCH", "/config", `{"persistence":"none","cookie":{"codec":"plain"}}`)
	if code != 200 || m["config"].(map[string]any)["persistence"] != "none" {
		t.Fatalf("%d %s", code, raw)
	}
	if r := do(t, lb, nil); setCookie(r, "lbs") != "" {
		t.Fatal("persistence none still sets a cookie")
	}
	admin(t, lb, "PATCH", "/config", `{"persistence":"cookie"}`)
	if v := cookieValue(setCookie(do(t, lb, nil), "lbs")); !strings.HasPrefix(v, "dc-east-") {
		t.Fatalf("plain codec not applied: %q", v)
	}
}

func TestAdminBadInputLeavesStateUnchanged(t *testing.T) {
	a := newBackend(t, "dc-east-1")
	lb := newTestLB(t, dcConfig(a))
	before := lb.State()
	for _, tc := range []struct {
		method, path, body, field, msg string
		code                           int
	}{
		{"PATCH", "/config", `{"persistence":"foo"}`, "persistence", `persistence: "foo" is not one of none, cookie, source-ip`, 400},
		{"PATCH", "/config", `{"selection":"round-robin","undecodable":"ignore"}`, "undecodable", "undecodable:", 400},
		{"PATCH", "/config", `{"persistance":"none"}`, "persistance", "unknown field", 400},
		{"PATCH", "/config", `{"cookie":{"codec":"rot13"}}`, "cookie.codec", "cookie.codec:", 400},
		{"PATCH", "/config", `{"cookie":{"colour":"x"}}`, "cookie.colour", "unknown field", 400},
		{"PATCH", "/config", `{"decision_headers":"yes"}`, "decision_headers", "decision_headers", 400},
		{"PATCH", "/config", `not json`, "", "body", 400},
		{"PATCH", "/members/dc-east-1", `{"state":"sleepy"}`, "state", `state: "sleepy" is not one of up, down, draining`, 400},
		{"PATCH", "/members/dc-east-1", `{"state":"down","weight":0}`, "weight", "weight: must be > 0", 400},
		{"PATCH", "/members/dc-east-1", `{"delay":"soon"}`, "delay", "delay", 400},
		{"PATCH", "/members/dc-east-1", `{"dealy":"1s"}`, "dealy", "unknown field", 400},
		{"PATCH", "/members/nobody", `{"state":"down"}`, "", "unknown member", 404},
	} {
		code, m, raw := admin(t, lb, tc.method, tc.path, tc.body)
		if code != tc.code || !strings.Contains(m["error"].(string), tc.msg) || (m["field"] != nil && m["field"] != tc.field) || (tc.field != "" && m["field"] != tc.field) {
			t.Errorf("%s %s %s: %d %s", tc.method, tc.path, tc.body, code, raw)
		}
	}
	if after := lb.State(); !reflect.DeepEqual(before, after) {
		t.Fatalf("state changed:\n%+v\n%+v", before, after)
	}
}

func TestAdminPatchMemberAndRotateKey(t *testing.T) {
	a, b := newBackend(t, "dc-east-1"), newBackend(t, "dc-east-2")
	lb := newTestLB(t, dcConfig(a, b))
	first := do(t, lb, nil)
	pin := cookieValue(setCookie(first, "lbs"))
	code, m, raw := admin(t, lb, "PATCH", "/members/dc-east-2", `{"state":"draining","weight":3,"delay":"150ms"}`)
	mem := m["members"].([]any)[1].(map[string]any)
	if code != 200 || mem["state"] != "draining" || mem["weight"] != 3.0 || mem["delay"] != "150ms" {
		t.Fatalf("%d %s", code, raw)
	}
	if code, _, _ := admin(t, lb, "POST", "/rotate-key", ""); code != 200 {
		t.Fatal("rotate-key")
	}
	if r := do(t, lb, map[string]string{"lbs": pin}); reasonOf(r) != ReasonUndecodable {
		t.Fatalf("old cookie after rotation: %q", reasonOf(r))
	}
}

func TestAdminMetrics(t *testing.T) {
	a, b := newBackend(t, "dc-east-1"), newBackend(t, "dc-east-2")
	lb := newTestLB(t, dcConfig(a, b))
	do(t, lb, nil)
	do(t, lb, map[string]string{"lbs": "garbage"})
	code, _, body := admin(t, lb, "GET", "/metrics", "")
	for _, want := range []string{
		`fakecdn_decisions_total{lb="dc-east",reason="new"} 1`,
		`fakecdn_decisions_total{lb="dc-east",reason="undecodable"} 1`,
		`fakecdn_cookie_status_total{lb="dc-east",status="I"} 1`,
		`fakecdn_requests_total{lb="dc-east",member="dc-east-1"} 1`,
		`fakecdn_member_state{lb="dc-east",member="dc-east-1",state="up"} 1`,
		`fakecdn_member_healthy{lb="dc-east",member="dc-east-2"} 1`,
		"# TYPE fakecdn_requests_total counter",
	} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
	if code, _, _ := admin(t, lb, http.MethodDelete, "/state", ""); code != http.StatusMethodNotAllowed {
		t.Errorf("DELETE /state = %d", code)
	}
}
