package cli

import (
	"strings"
	"testing"
)

// The story: a datacenter stopped and started again keeps the
// persistence and the key `ctl` gave it, and `ctl status` says so, read from
// the running load balancers.
func TestCtlStatusShowsWhatSurvivesAStopAndStart(t *testing.T) {
	up := upInBackground(t)
	env := up.env
	for _, args := range [][]string{
		{"persistence", "dc-east", "none"},
		{"rotate-key", "dc-east"},
		{"stop", "dc-east"},
		{"start", "dc-east"},
	} {
		if r := executeCtx(t, t.Context(), env, append([]string{"ctl"}, args...)...); r.code != 0 {
			t.Fatalf("ctl %v: exit %d: %s", args, r.code, r.stderr)
		}
	}
	r := executeCtx(t, t.Context(), env, "ctl", "status")
	if r.code != 0 {
		t.Fatalf("ctl status: exit %d: %s", r.code, r.stderr)
	}
	for _, line := range strings.Split(r.stdout, "\n") {
		if strings.HasPrefix(line, "dc-east (dc)") {
			if !strings.Contains(line, "persistence none") || !strings.Contains(line, "key generation 1") {
				t.Fatalf("after stop and start dc-east must keep persistence none and its rotated key:\n%s", r.stdout)
			}
			return
		}
	}
	t.Fatalf("ctl status lacks dc-east:\n%s", r.stdout)
}
