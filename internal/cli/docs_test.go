package cli

import (
	"os"
	"strings"
	"testing"

	"github.com/stickylab/stickylab/lab"
)

// docs/cli.md lists every fault of the registry in its faults table, and
// ctl offers every one: adding a fault file without its docs fails here.
func TestEveryFaultIsDocumentedAndOfferedByCtl(t *testing.T) {
	doc, err := os.ReadFile("../../docs/cli.md")
	if err != nil {
		t.Fatal(err)
	}
	ctl := newCtlCmd(Streams{})
	toxic, _, _ := ctl.Find([]string{"toxic"})
	for _, f := range lab.Faults() {
		if !strings.Contains(string(doc), "| `"+f.Name+"` |") {
			t.Errorf("docs/cli.md has no row for fault %s", f.Name)
		}
		cmd, _, err := ctl.Find([]string{f.Name})
		offered := err == nil && cmd != ctl
		if isToxic(f) {
			offered = offered || strings.Contains(toxic.Short, f.Name)
		}
		if f.Name == "remove-toxic" {
			offered = err == nil && cmd != ctl || toxic.HasSubCommands()
		}
		if !offered {
			t.Errorf("ctl does not offer fault %s", f.Name)
		}
	}
}
