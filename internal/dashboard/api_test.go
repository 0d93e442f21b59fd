package dashboard_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// snapshot is the part of an SSE message the test reads.
type snapshot struct {
	Users       int `json:"users"`
	Datacenters []struct {
		Name   string `json:"name"`
		Status string `json:"status"`
		Delay  string `json:"delay"`
	} `json:"datacenters"`
	Counts struct {
		SinceRuns, SinceFailed int
		Since                  string
	} `json:"counts"`
	Chart string `json:"chart"`
}

func (s snapshot) status(dc string) string {
	for _, d := range s.Datacenters {
		if d.Name == dc {
			return d.Status + d.Delay
		}
	}
	return ""
}

// The teacher's demo through the API, without a browser: traffic, faults
// and latency show on the event stream, and with one datacenter left no
// new run fails (the edge passes through: the incident hid like this).
func TestDemoThroughTheAPI(t *testing.T) {
	_, d := upDashboard(t)
	events := subscribe(t, d.URL())

	post(t, d.URL(), "/api/traffic", `{"users": 4}`)
	s := events.until(t, "traffic running, some runs failed", func(s snapshot) bool {
		return s.Users == 4 && s.Counts.SinceFailed > 0 && strings.HasPrefix(s.Chart, "<svg")
	})
	t.Logf("no persistence: %d of %d failed", s.Counts.SinceFailed, s.Counts.SinceRuns)

	post(t, d.URL(), "/api/fault", `{"action": "stop", "target": "dc-west"}`)
	s = events.until(t, "200 runs since dc-west stopped", func(s snapshot) bool {
		return s.Counts.Since == "stop dc-west" && s.Counts.SinceRuns >= 200
	})
	if s.status("dc-west") != "stopped" || s.Counts.SinceFailed != 0 {
		t.Errorf("dc-west stopped: status %q, %d of %d new runs failed; want stopped and 0", s.status("dc-west"), s.Counts.SinceFailed, s.Counts.SinceRuns)
	}

	post(t, d.URL(), "/api/fault", `{"action": "start", "target": "dc-west"}`)
	post(t, d.URL(), "/api/fault", `{"action": "partition", "target": "dc-east"}`)
	s = events.until(t, "dc-east partitioned", func(s snapshot) bool { return s.Counts.Since == "partition dc-east" })
	if s.status("dc-east") != "partitioned" || s.status("dc-west") != "up" {
		t.Errorf("after start dc-west, partition dc-east: dc-east %q, dc-west %q", s.status("dc-east"), s.status("dc-west"))
	}
	post(t, d.URL(), "/api/fault", `{"action": "heal", "target": "dc-east"}`)
	post(t, d.URL(), "/api/latency", `{"datacenter": "dc-west", "delay": "20ms"}`)
	s = events.until(t, "dc-west slowed", func(s snapshot) bool { return s.Counts.Since == "latency dc-west 20ms" })
	if s.status("dc-west") != "up20ms" || s.status("dc-east") != "up" {
		t.Errorf("after heal dc-east, latency dc-west 20ms: dc-east %q, dc-west %q", s.status("dc-east"), s.status("dc-west"))
	}
	post(t, d.URL(), "/api/traffic", `{"users": 0}`)
	events.until(t, "traffic stopped", func(s snapshot) bool { return s.Users == 0 })
}

func post(t *testing.T, base, path, body string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, strings.TrimSuffix(base, "/")+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	var a struct{ Message, Error string }
	json.NewDecoder(resp.Body).Decode(&a)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST %s %s: %s %s", path, body, resp.Status, a.Error)
	}
}

type eventStream struct{ sc *bufio.Scanner }

func subscribe(t *testing.T, base string) *eventStream {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, base+"events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusOK || ct != "text/event-stream" {
		t.Fatalf("GET /events: %s, Content-Type %q", resp.Status, ct)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 1<<20), 8<<20)
	return &eventStream{sc: sc}
}

// until reads snapshots until cond holds; the test's context bounds it.
func (e *eventStream) until(t *testing.T, what string, cond func(snapshot) bool) snapshot {
	t.Helper()
	var last snapshot
	for e.sc.Scan() {
		data, ok := strings.CutPrefix(e.sc.Text(), "data: ")
		if !ok {
			continue
		}
		if err := json.Unmarshal([]byte(data), &last); err != nil {
			t.Fatalf("event: %v", err)
		}
		if cond(last) {
			return last
		}
	}
	t.Fatalf("the event stream ended before %s (%v); last snapshot: %s", what, e.sc.Err(), fmt.Sprintf("%+v", last.Counts))
	return last
}
