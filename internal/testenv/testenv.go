// Package testenv decides what a test does when the machine lacks what it
// needs (a Docker engine, Chromium, HAProxy): skip with the reason, or, when CI says
// the thing is required, fail. .ci/run sets STICKYLAB_REQUIRE_DOCKER=1 and
// STICKYLAB_REQUIRE_BROWSER=1, so that a CI machine without them cannot pass
// by quietly skipping. It does not import testing, so that the lab can ask
// Required too.
package testenv

import (
	"fmt"
	"os"
)

// The variables that turn a skip into a failure.
const (
	RequireDocker  = "STICKYLAB_REQUIRE_DOCKER"
	RequireBrowser = "STICKYLAB_REQUIRE_BROWSER"
	RequireHAProxy = "STICKYLAB_REQUIRE_HAPROXY"
)

// Required reports whether env is set to 1.
func Required(env string) bool { return os.Getenv(env) == "1" }

// T is the part of testing.TB that Skip uses.
type T interface {
	Helper()
	Skipf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// Skip skips t, saying why, unless env is 1: then t fails with the same
// reason and names env.
func Skip(t T, env, format string, args ...any) {
	t.Helper()
	reason := fmt.Sprintf(format, args...)
	if Required(env) {
		t.Fatalf("%s (%s=1: this test must not skip)", reason, env)
		return
	}
	t.Skipf("%s", reason)
}
