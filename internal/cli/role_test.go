package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stickylab/stickylab/internal/fakeappcmd"
	"github.com/stickylab/stickylab/internal/fakecdncmd"
)

// The lab's containers run `stickylab fakeapp …` and `stickylab fakecdn …`:
// whatever bin/fakeapp and bin/fakecdn answer, the subcommands answer the
// same, byte for byte, with the same exit code and no stickylab prefix.
func TestRoleSubcommandsAreTheStandaloneCommands(t *testing.T) {
	t.Setenv("FAKEAPP_KEY_SCOPE", "galaxy") // read by the cases that do not set --key-scope
	standalone := map[string]func(ctx context.Context, args []string, stdout, stderr *bytes.Buffer) int{
		"fakeapp": func(ctx context.Context, args []string, stdout, stderr *bytes.Buffer) int {
			return fakeappcmd.Main(ctx, args, stdout, stderr)
		},
		"fakecdn": func(ctx context.Context, args []string, _, stderr *bytes.Buffer) int {
			return fakecdncmd.Main(ctx, args, stderr)
		},
	}
	for _, args := range [][]string{
		{"fakeapp", "--help"},
		{"fakeapp", "--bogus"},
		{"fakeapp", "--datacenter", "dc-east"}, // FAKEAPP_KEY_SCOPE=galaxy from the environment
		{"fakeapp", "--datacenter", "dc-east", "--key-scope", "shared", "--addr", "nowhere"},
		{"fakecdn", "-h"},
		{"fakecdn"},
		{"fakecdn", "--config", "/nonexistent/stickylab.yaml"},
		{"fakecdn", "--config", "x.yaml", "--tls-cert", "c.pem"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			want := standalone[args[0]](t.Context(), args[1:], &out, &errb)
			got := execute(t, args...)
			if got.code != want || got.stdout != out.String() || got.stderr != errb.String() {
				t.Errorf("stickylab %s: exit %d\nstdout %q\nstderr %q\nbin/%s: exit %d\nstdout %q\nstderr %q",
					strings.Join(args, " "), got.code, got.stdout, got.stderr, args[0], want, out.String(), errb.String())
			}
			if want == ExitOK && out.Len()+errb.Len() == 0 {
				t.Error("help printed nothing")
			}
		})
	}
}
