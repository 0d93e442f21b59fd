package localguard

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestWhatTheGuardLetsThrough(t *testing.T) {
	g, err := New("dc-east-lb", " Edge ", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, method, host string
		header             map[string]string
		tls                bool
		want               int
	}{
		{"curl on loopback", "GET", "127.0.0.1:8081", nil, false, 200},
		{"another loopback address", "GET", "127.1.2.3:8081", nil, false, 200},
		{"IPv6 loopback", "GET", "[::1]:8081", nil, false, 200},
		{"localhost without port", "GET", "localhost", nil, false, 200},
		{"its own network alias", "GET", "dc-east-lb:8081", nil, false, 200},
		{"an alias in capitals", "GET", "EDGE:8081", nil, false, 200},
		{"a rebinding name", "GET", "evil.example:8081", nil, false, 403},
		{"a name under localhost's domain", "GET", "localhost.evil.example", nil, false, 403},
		{"a LAN address", "GET", "192.168.1.20:8081", nil, false, 403},
		{"no Host", "GET", "", nil, false, 403},
		{"its own origin", "PATCH", "127.0.0.1:8081", map[string]string{"Origin": "http://127.0.0.1:8081", "Content-Type": "application/json"}, false, 200},
		{"its own origin over TLS on the default port", "GET", "localhost", map[string]string{"Origin": "https://localhost:443"}, true, 200},
		{"a foreign origin", "GET", "127.0.0.1:8081", map[string]string{"Origin": "http://evil.example"}, false, 403},
		{"another local port", "GET", "127.0.0.1:8081", map[string]string{"Origin": "http://127.0.0.1:3000"}, false, 403},
		{"the other scheme", "GET", "127.0.0.1:8081", map[string]string{"Origin": "https://127.0.0.1:8081"}, false, 403},
		{"an opaque origin", "GET", "127.0.0.1:8081", map[string]string{"Origin": "null"}, false, 403},
		{"fetch metadata cross-site", "GET", "127.0.0.1:8081", map[string]string{"Sec-Fetch-Site": "cross-site"}, false, 403},
		{"fetch metadata same-site", "GET", "127.0.0.1:8081", map[string]string{"Sec-Fetch-Site": "same-site"}, false, 403},
		{"fetch metadata same-origin", "GET", "127.0.0.1:8081", map[string]string{"Sec-Fetch-Site": "same-origin"}, false, 200},
		{"typed in the address bar", "GET", "127.0.0.1:8081", map[string]string{"Sec-Fetch-Site": "none"}, false, 200},
		{"JSON with a charset", "POST", "127.0.0.1:8081", map[string]string{"Content-Type": "application/json; charset=utf-8"}, false, 200},
		{"a state change as text/plain", "POST", "127.0.0.1:8081", map[string]string{"Content-Type": "text/plain"}, false, 415},
		{"a state change as a form", "POST", "127.0.0.1:8081", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, false, 415},
		{"a state change without a type", "DELETE", "127.0.0.1:8081", nil, false, 415},
		{"a rebinding name outranks a bad type", "POST", "evil.example", map[string]string{"Content-Type": "text/plain"}, false, 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, "/x", nil)
			r.Host = tc.host
			for k, v := range tc.header {
				r.Header.Set(k, v)
			}
			if tc.tls {
				r.TLS = &tls.ConnectionState{}
			}
			reached := false
			rec := httptest.NewRecorder()
			g.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached = true })).ServeHTTP(rec, r)
			if rec.Code != tc.want {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.want, rec.Body)
			}
			if reached != (tc.want == 200) {
				t.Fatalf("handler reached: %v with status %d", reached, rec.Code)
			}
			if tc.want != 200 && !strings.Contains(rec.Body.String(), `"error"`) {
				t.Fatalf("refusal without a reason: %s", rec.Body)
			}
		})
	}
}

func TestTheZeroGuardAcceptsLoopbackOnly(t *testing.T) {
	var g *Guard
	for host, want := range map[string]error{"127.0.0.1:1": nil, "localhost:1": nil} {
		if err := g.checkHost(host); err != want {
			t.Errorf("%s: %v", host, err)
		}
	}
	if err := g.checkHost("edge:8081"); err == nil || !strings.Contains(err.Error(), `"edge:8081"`) {
		t.Errorf("an alias nobody configured: %v", err)
	}
}

func TestNamesThatAreNotHostsAreRefused(t *testing.T) {
	for _, bad := range []string{"edge:8081", "http://edge", "edge/", "*.example", "a b"} {
		if _, err := New(bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("New(%q) = %v, want an error naming it", bad, err)
		}
	}
	if _, err := New("::1", "10.0.0.7", "dc-east-1"); err != nil {
		t.Errorf("IP addresses and aliases: %v", err)
	}
}
