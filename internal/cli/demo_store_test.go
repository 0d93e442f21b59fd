package cli

import (
	"strings"
	"testing"
)

func TestDemoFixStoreShowsTheArchitecturalFixInAct3(t *testing.T) {
	r := execute(t, "demo", "--no-pause", "--runtime", "local", "--fix", "store", "-n", "100")
	if r.code != 0 {
		t.Fatalf("exit %d; stderr:\n%s\nstdout:\n%s", r.code, r.stderr, r.stdout)
	}
	for _, w := range []string{"Act 3 — the architectural fix", "one Redis session store", "100 of 100 logins worked"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("demo output lacks %q", w)
		}
	}
	if !strings.Contains(r.stderr, "runtime: redis store redis:") {
		t.Errorf("the lab did not say which Redis it used; stderr:\n%s", r.stderr)
	}
	if n := strings.Count(r.stdout, "100 of 100 logins worked"); n != 2 {
		t.Errorf("acts 1 and 3 should have no failure; %d of them had none", n)
	}
}
