package cli

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stickylab/stickylab/lab"
)

// `clean` removes only the labs of dead owners and `clean --all` every lab;
// both say how many containers, networks and images went. The engine is
// shared, so the removers here are fakes: lab/internal/dockerrt tests the
// real ones within their own resources.
func TestCleanCallsTheRightRemoverAndCounts(t *testing.T) {
	var called []string
	c := cleaners{
		dead: func(context.Context) (lab.Cleaned, error) {
			called = append(called, "dead")
			return lab.Cleaned{Containers: 3, Networks: 1, Kept: []string{"a1", "b2"}}, nil
		},
		all: func(context.Context) (lab.Cleaned, error) {
			called = append(called, "all")
			return lab.Cleaned{Containers: 7, Networks: 3, Images: 1}, nil
		},
	}
	for _, tc := range []struct {
		args, wants []string
		remover     string
	}{
		{nil, []string{"removed 3 containers, 1 network and 0 images of runs whose owner process is gone",
			"kept 2 labs whose owner is alive or on another host (a1, b2); `stickylab clean --all` removes them too"}, "dead"},
		{[]string{"--all"}, []string{"removed 7 containers, 3 networks and 1 image of every run, live or not"}, "all"},
	} {
		called = nil
		var out, errb strings.Builder
		cmd := newCleanCmdWith(Streams{Out: &out, Err: &errb}, c)
		cmd.SetArgs(tc.args)
		if err := cmd.ExecuteContext(t.Context()); err != nil {
			t.Fatalf("clean %v: %v", tc.args, err)
		}
		if len(called) != 1 || called[0] != tc.remover {
			t.Errorf("clean %v called %v, want only %s", tc.args, called, tc.remover)
		}
		for _, w := range tc.wants {
			if !strings.Contains(out.String(), w) {
				t.Errorf("clean %v: output lacks %q:\n%s", tc.args, w, out.String())
			}
		}
	}
}

// A clean that fails part-way still says what it removed.
func TestCleanFailureStillCounts(t *testing.T) {
	c := cleaners{dead: func(context.Context) (lab.Cleaned, error) {
		return lab.Cleaned{Containers: 2}, errors.New("remove network sl-x-wan: boom")
	}}
	var out strings.Builder
	cmd := newCleanCmdWith(Streams{Out: &out, Err: &out}, c)
	cmd.SetArgs(nil)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	if err := cmd.ExecuteContext(t.Context()); err == nil || !strings.Contains(err.Error(), "sl-x-wan") {
		t.Errorf("err = %v, want the network that failed", err)
	}
	if !strings.Contains(out.String(), "removed 2 containers") {
		t.Errorf("output lacks the count:\n%s", out.String())
	}
}
