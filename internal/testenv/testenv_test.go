package testenv_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stickylab/stickylab/internal/testenv"
)

// recorder is a T that records what Skip did.
type recorder struct{ skipped, failed string }

func (r *recorder) Helper()                           {}
func (r *recorder) Skipf(format string, args ...any)  { r.skipped = fmt.Sprintf(format, args...) }
func (r *recorder) Fatalf(format string, args ...any) { r.failed = fmt.Sprintf(format, args...) }

func TestSkipSkipsWithTheReasonWhenNotRequired(t *testing.T) {
	t.Setenv(testenv.RequireDocker, "")
	var r recorder
	testenv.Skip(&r, testenv.RequireDocker, "no Docker engine: %s", "connection refused")
	if r.skipped != "no Docker engine: connection refused" || r.failed != "" {
		t.Fatalf("skipped %q, failed %q", r.skipped, r.failed)
	}
}

func TestSkipFailsNamingTheVariableWhenRequired(t *testing.T) {
	t.Setenv(testenv.RequireBrowser, "1")
	var r recorder
	testenv.Skip(&r, testenv.RequireBrowser, "chromium not installed")
	if r.skipped != "" || !strings.Contains(r.failed, "chromium not installed") || !strings.Contains(r.failed, "STICKYLAB_REQUIRE_BROWSER=1") {
		t.Fatalf("skipped %q, failed %q", r.skipped, r.failed)
	}
}
