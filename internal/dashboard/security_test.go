package dashboard_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestRefusesWebPages pins down issue 17 for the dashboard: only a request
// from its own origin, naming a loopback Host, sending JSON and carrying
// the run's token changes the lab; everything else is refused and the
// edge keeps its persistence.
func TestRefusesWebPages(t *testing.T) {
	l, d := upDashboard(t)
	base := strings.TrimSuffix(d.URL(), "/")
	own := base // the dashboard's origin, http://127.0.0.1:PORT
	change := `{"target":"edge","persistence":"cookie"}`

	cases := []struct {
		name        string
		method      string
		path        string
		host        string // "" = the dashboard's own
		header      map[string]string
		body        string
		wantStatus  int
		wantChanged bool
	}{
		{name: "foreign Origin", method: "POST", path: "/api/persistence", body: change,
			header:     map[string]string{"Origin": "http://evil.example", "Content-Type": "application/json", "Authorization": "Bearer " + testToken},
			wantStatus: http.StatusForbidden},
		{name: "another local origin", method: "POST", path: "/api/persistence", body: change,
			header:     map[string]string{"Origin": "http://127.0.0.1:1", "Content-Type": "application/json", "Authorization": "Bearer " + testToken},
			wantStatus: http.StatusForbidden},
		{name: "cross-site fetch metadata", method: "POST", path: "/api/persistence", body: change,
			header:     map[string]string{"Sec-Fetch-Site": "cross-site", "Content-Type": "application/json", "Authorization": "Bearer " + testToken},
			wantStatus: http.StatusForbidden},
		{name: "rebinding Host", method: "POST", path: "/api/persistence", body: change, host: "evil.example",
			header:     map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + testToken},
			wantStatus: http.StatusForbidden},
		{name: "rebinding Host reads the page (and its token)", method: "GET", path: "/", host: "evil.example",
			wantStatus: http.StatusForbidden},
		{name: "text/plain state change", method: "POST", path: "/api/persistence", body: change,
			header:     map[string]string{"Content-Type": "text/plain", "Authorization": "Bearer " + testToken},
			wantStatus: http.StatusUnsupportedMediaType},
		{name: "form state change", method: "POST", path: "/api/persistence", body: "target=edge&persistence=cookie",
			header:     map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Authorization": "Bearer " + testToken},
			wantStatus: http.StatusUnsupportedMediaType},
		{name: "GET on a state-changing route", method: "GET", path: "/api/persistence?target=edge&persistence=cookie",
			header:     map[string]string{"Authorization": "Bearer " + testToken},
			wantStatus: http.StatusMethodNotAllowed},
		{name: "no token", method: "POST", path: "/api/persistence", body: change,
			header:     map[string]string{"Origin": own, "Content-Type": "application/json"},
			wantStatus: http.StatusUnauthorized},
		{name: "wrong token", method: "POST", path: "/api/persistence", body: change,
			header:     map[string]string{"Origin": own, "Content-Type": "application/json", "Authorization": "Bearer " + strings.Repeat("0", 32)},
			wantStatus: http.StatusUnauthorized},
		// Last: the only request that changes the lab.
		{name: "good local request", method: "POST", path: "/api/persistence", body: change,
			header:      map[string]string{"Origin": own, "Sec-Fetch-Site": "same-origin", "Content-Type": "application/json", "Authorization": "Bearer " + testToken},
			wantStatus:  http.StatusOK,
			wantChanged: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := edgePersistence(t, l); got != "none" {
				t.Fatalf("before the request the edge's persistence is %q, want none", got)
			}
			req, err := http.NewRequestWithContext(t.Context(), tc.method, base+tc.path, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if tc.host != "" {
				req.Host = tc.host
			}
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("%s %s: %v", tc.method, tc.path, err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.wantStatus {
				t.Errorf("status %d, want %d: %s", resp.StatusCode, tc.wantStatus, body)
			}
			if strings.Contains(string(body), testToken) {
				t.Errorf("the answer holds the token: %s", body)
			}
			want := "none"
			if tc.wantChanged {
				want = "cookie"
			}
			if got := edgePersistence(t, l); got != want {
				t.Errorf("after the request the edge's persistence is %q, want %q", got, want)
			}
		})
	}
}

// TestPageCarriesTokenOnlyToItsOrigin: the page its own origin loads holds
// the token (the page needs it), and the URL `up` prints does not.
func TestPageCarriesTokenOnlyToItsOrigin(t *testing.T) {
	_, d := upDashboard(t)
	if strings.Contains(d.URL(), testToken) {
		t.Errorf("the dashboard's URL %s holds the token", d.URL())
	}
	resp, err := http.Get(d.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), testToken) {
		t.Errorf("GET / from its own origin: status %d, want 200 and the page with the token", resp.StatusCode)
	}
}
