package fakecdn

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// aged rewrites a dated cookie value as if issued first and last used
// the given durations ago (the dates are the LB's, not signed).
func aged(t *testing.T, v string, first, last time.Duration) string {
	t.Helper()
	parts := strings.Split(v, "|")
	if len(parts) != 3 {
		t.Fatalf("cookie %q carries no dates", v)
	}
	now := time.Now()
	at := func(d time.Duration) string { return strconv.FormatInt(now.Add(-d).UnixMilli(), 36) }
	return parts[0] + "|" + at(first) + "|" + at(last)
}

// A cookie past max_idle (E) or max_life (O) is treated as absent: the
// request is balanced afresh and a new cookie is inserted; the access log
// shows HAProxy's letters. A valid one has its last-use date updated (U).
func TestCookiePastItsLifetimeIsTreatedAsAbsent(t *testing.T) {
	a, b := newBackend(t, "dc-east-1"), newBackend(t, "dc-east-2")
	cfg := Config{Role: "dc", Name: "dc-east", Members: members(a, b), Tier: policy.Tier{Selection: "round-robin", Persistence: "cookie", Cookie: CookieConfig{Name: "lbs", Codec: "plain", MaxIdle: Duration(time.Minute), MaxLife: Duration(time.Hour)}}}
	logs, opt := withLog()
	lb := newTestLB(t, cfg, opt)
	v := cookieValue(setCookie(do(t, lb, nil), "lbs"))
	cases := []struct {
		name   string
		value  string
		reason string
		log    string
	}{
		{"fresh: pinned, last use moved", aged(t, v, 10*time.Second, 10*time.Second), ReasonPersisted, "VU"},
		{"idle past max_idle: expired", aged(t, v, 2*time.Minute, 2*time.Minute), ReasonNew, "EI"},
		{"older than max_life: old", aged(t, v, 2*time.Hour, time.Second), ReasonNew, "OI"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := do(t, lb, map[string]string{"lbs": tc.value})
			if r := reasonOf(resp); r != tc.reason {
				t.Errorf("reason %q, want %q", r, tc.reason)
			}
			if setCookie(resp, "lbs") == "" {
				t.Errorf("no cookie re-issued")
			}
			lines := logs.requests(t)
			if got := lines[len(lines)-1]["cookie"]; got != tc.log {
				t.Errorf("access log cookie %q, want %q", got, tc.log)
			}
		})
	}
}

// A refreshed cookie keeps its first date: max_life still ends it.
func TestRefreshKeepsTheFirstDate(t *testing.T) {
	a := newBackend(t, "dc-east-1")
	lb := newTestLB(t, Config{Role: "dc", Name: "dc-east", Members: members(a), Tier: policy.Tier{Persistence: "cookie", Cookie: CookieConfig{Name: "lbs", Codec: "plain", MaxIdle: Duration(time.Minute)}}})
	v := cookieValue(setCookie(do(t, lb, nil), "lbs"))
	old := aged(t, v, time.Hour, time.Second)
	got := cookieValue(setCookie(do(t, lb, map[string]string{"lbs": old}), "lbs"))
	if strings.Split(got, "|")[1] != strings.Split(old, "|")[1] {
		t.Fatalf("refresh moved the first date: sent %q, got %q", old, got)
	}
}
