package lab

import (
	"errors"
	"strings"
	"testing"

	"github.com/stickylab/stickylab/internal/testenv"
)

func TestAutoFallsBackToLocalWithoutAnEngine(t *testing.T) {
	t.Setenv(testenv.RequireDocker, "")
	if rt, err := auto(errors.New("connection refused")); rt != "local" || err != nil {
		t.Fatalf("auto without an engine = %q, %v; want local", rt, err)
	}
	if rt, err := auto(nil); rt != "docker" || err != nil {
		t.Fatalf("auto with an engine = %q, %v; want docker", rt, err)
	}
}

func TestAutoFailsInsteadOfFallingBackWhenDockerIsRequired(t *testing.T) {
	t.Setenv(testenv.RequireDocker, "1")
	rt, err := auto(errors.New("connection refused"))
	if rt != "" || err == nil || !strings.Contains(err.Error(), "STICKYLAB_REQUIRE_DOCKER=1") || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("auto = %q, %v; want an error naming the variable and the engine's answer", rt, err)
	}
	if rt, err := auto(nil); rt != "docker" || err != nil {
		t.Fatalf("auto with an engine = %q, %v; want docker", rt, err)
	}
}
