package cli

import (
	"context"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stickylab/stickylab/internal/localguard/guardtest"
)

// faultLog records the faults the control endpoint performed: the state it
// could change.
type faultLog struct {
	mu    sync.Mutex
	calls []string
}

func (f *faultLog) perform(_ context.Context, action, target string, args map[string]string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, faultText(action, target, args))
	return nil
}

func (f *faultLog) performed() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// The control endpoint stops datacenters for `stickylab ctl` only: a web
// page the user visits cannot, even one that learned the token.
func TestTheControlEndpointRefusesWhatAWebPageCouldSend(t *testing.T) {
	const token = "0123456789abcdef"
	const body = `{"action":"stop","target":"dc-west"}`
	good := map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + token}
	with := func(k, v string) map[string]string {
		h := map[string]string{k: v}
		for gk, gv := range good {
			if gk != k {
				h[gk] = gv
			}
		}
		return h
	}
	for _, tc := range []struct {
		name, method, body string
		header             map[string]string
		host               string // overrides the server's address in Host
		want               int
	}{
		{name: "ctl's own request", method: "POST", body: body, header: good, want: 200},
		{name: "a foreign Origin", method: "POST", body: body, header: with("Origin", "http://evil.example"), want: 403},
		{name: "a page on another local port", method: "POST", body: body, header: with("Origin", "http://127.0.0.1:3000"), want: 403},
		{name: "a cross-site fetch", method: "POST", body: body, header: with("Sec-Fetch-Site", "cross-site"), want: 403},
		{name: "a rebinding Host", method: "POST", body: body, header: good, host: "evil.example", want: 403},
		{name: "a text/plain state change", method: "POST", body: body, header: with("Content-Type", "text/plain"), want: 415},
		{name: "a form POST", method: "POST", body: "action=stop&target=dc-west", header: with("Content-Type", "application/x-www-form-urlencoded"), want: 415},
		{name: "a GET on the state-changing route", method: "GET", header: with("Content-Type", ""), want: 405},
		{name: "no token", method: "POST", body: body, header: with("Authorization", ""), want: 401},
		{name: "a wrong token", method: "POST", body: body, header: with("Authorization", "Bearer guess"), want: 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var log faultLog
			status := guardtest.Status(t, controlHandler(token, log.perform, reader{}, t.Logf), guardtest.Request{Method: tc.method, Path: "/faults", Body: tc.body, Host: tc.host, Header: tc.header})
			if status != tc.want {
				t.Fatalf("status %d, want %d", status, tc.want)
			}
			want := ""
			if tc.want == 200 {
				want = "stop dc-west"
			}
			if got := strings.Join(log.performed(), ", "); got != want {
				t.Fatalf("status %d performed %q, want %q", status, got, want)
			}
		})
	}
}

// ctl's client sends what the endpoint requires.
func TestCtlsClientPassesTheGuard(t *testing.T) {
	var log faultLog
	srv := httptest.NewServer(controlHandler("tok", log.perform, reader{}, t.Logf))
	t.Cleanup(srv.Close)
	msg, err := callControl(t.Context(), upState{Control: srv.URL, Token: "tok"}, "latency", "dc-east", map[string]string{"latency": "300", "jitter": "50"})
	if err != nil || msg != "latency dc-east jitter=50 latency=300: done" {
		t.Fatalf("callControl = %q, %v", msg, err)
	}
	if got := log.performed(); len(got) != 1 || got[0] != "latency dc-east jitter=50 latency=300" {
		t.Fatalf("performed %v", got)
	}
}

// The reads ctl makes through the endpoint need the token and a local page
// cannot make them either.
func TestTheControlEndpointsReadsNeedTheTokenAndALocalCaller(t *testing.T) {
	h := controlHandler("tok", (&faultLog{}).perform, reader{}, t.Logf)
	for _, tc := range []struct {
		name   string
		header map[string]string
		want   int
	}{
		{"ctl's own read (no lab behind this test handler)", map[string]string{"Authorization": "Bearer tok"}, 503},
		{"no token", nil, 401},
		{"a foreign Origin", map[string]string{"Authorization": "Bearer tok", "Origin": "http://evil.example"}, 403},
	} {
		for _, path := range []string{"/links", "/state/edge"} {
			if got := guardtest.Status(t, h, guardtest.Request{Method: "GET", Path: path, Header: tc.header}); got != tc.want {
				t.Errorf("%s, GET %s: status %d, want %d", tc.name, path, got, tc.want)
			}
		}
	}
}
