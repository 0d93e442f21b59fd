package dashboard_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// A control with a bad value answers 400 with an error naming it, and the
// lab stays as it was.
func TestBadControlsChangeNothing(t *testing.T) {
	l, d := upDashboard(t)
	cases := []struct{ path, body, want string }{
		{"/api/persistence", `{"target":"edge","persistence":"sticky"}`, `"sticky"`},
		{"/api/persistence", `{"target":"dc-nowhere","persistence":"cookie"}`, "dc-nowhere"},
		{"/api/fault", `{"action":"explode","target":"dc-west"}`, "explode"},
		{"/api/fault", `{"action":"stop","target":"dc-nowhere"}`, "dc-nowhere"},
		{"/api/latency", `{"datacenter":"dc-west","delay":"soon"}`, "soon"},
		{"/api/traffic", `{"users":1000}`, "1000"},
		{"/api/rotate-key", `{"target":"wan"}`, "wan"},
		{"/api/persistence", `{"target":`, "bad request body"},
	}
	for _, tc := range cases {
		t.Run(tc.path+" "+tc.body, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, strings.TrimSuffix(d.URL(), "/")+tc.path, strings.NewReader(tc.body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+testToken)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var a struct{ Error string }
			json.NewDecoder(resp.Body).Decode(&a)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(a.Error, tc.want) {
				t.Errorf("status %d, error %q; want 400 naming %s", resp.StatusCode, a.Error, tc.want)
			}
			if got := edgePersistence(t, l); got != "none" {
				t.Errorf("the edge's persistence became %q", got)
			}
		})
	}
}
