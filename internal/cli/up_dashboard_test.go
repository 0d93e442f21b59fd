package cli

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
)

// up serves the dashboard, prints its URL on a line with the word
// "dashboard" (no token in it) and records it in the state file; the
// dashboard's controls take the token of the state file, like ctl's.
func TestUpServesTheDashboard(t *testing.T) {
	up := upInBackground(t)
	st, stdout := up.state, func() string { return up.stop().stdout }
	if !strings.HasPrefix(st.Dashboard, "http://127.0.0.1:") || strings.Contains(st.Dashboard, st.Token) {
		t.Fatalf("state file: dashboard %q, want http://127.0.0.1:PORT/ without the token", st.Dashboard)
	}
	resp, err := http.Get(st.Dashboard)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Contains(page, []byte("stickylab")) {
		t.Errorf("GET %s: %s", st.Dashboard, resp.Status)
	}
	req, _ := http.NewRequest(http.MethodPost, st.Dashboard+"api/fault", strings.NewReader(`{"action":"stop","target":"dc-west"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+st.Token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("stop dc-west from the dashboard: %s %s", resp.Status, body)
	}
	lb, err := getLB(t.Context(), st, "edge")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range lb.Members {
		if m.Name == "dc-west" && m.Healthy {
			t.Errorf("after the dashboard stopped dc-west the edge still sees it healthy")
		}
	}
	out := stdout()
	if !strings.Contains(out, "dashboard "+st.Dashboard) {
		t.Errorf("up output lacks the line %q:\n%s", "dashboard "+st.Dashboard, out)
	}
}

func TestUpWithoutDashboard(t *testing.T) {
	up := upInBackground(t, "--dashboard=false")
	st, stdout := up.state, func() string { return up.stop().stdout }
	if st.Dashboard != "" {
		t.Errorf("--dashboard=false: the state file names a dashboard %q", st.Dashboard)
	}
	if out := stdout(); strings.Contains(out, "dashboard http") {
		t.Errorf("--dashboard=false: up prints a dashboard URL:\n%s", out)
	}
}
