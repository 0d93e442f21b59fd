package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const incident = "../../examples/incident.yaml"

func writeTopology(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Every bad input exits 2 with one line naming the problem, and starts nothing.
func TestBadInput(t *testing.T) {
	unknownField := writeTopology(t, "datacenters:\n  - name: dc-east\n    wieght: 2\n")
	malformed := writeTopology(t, "datacenters: [\n  - name: x\n")
	invalid := writeTopology(t, "datacenters:\n  - name: dc-east\n    lb: {persistence: sticky}\n")
	empty := writeTopology(t, "")
	cases := []struct {
		name  string
		args  []string
		wants []string
	}{
		{"run without -f", []string{"run"}, []string{"-f/--file"}},
		{"up without -f", []string{"up"}, []string{"-f/--file"}},
		{"missing file", []string{"run", "-f", "does-not-exist.yaml"}, []string{"does-not-exist.yaml", "no such file"}},
		{"unknown field", []string{"run", "-f", unknownField}, []string{"bad.yaml:3:5", `unknown field "wieght"`}},
		{"malformed YAML", []string{"run", "-f", malformed}, []string{"bad.yaml:1:"}},
		{"invalid value", []string{"up", "-f", invalid}, []string{"datacenters[0].lb.persistence", `"sticky"`}},
		{"empty file", []string{"run", "-f", empty}, []string{"bad.yaml", "empty"}},
		{"unknown flow", []string{"run", "-f", incident, "--flow", "nope"}, []string{"--flow", `"nope"`, "login"}},
		{"zero runs", []string{"run", "-f", incident, "-n", "0"}, []string{"-n/--runs", "got 0"}},
		{"zero concurrency", []string{"run", "-f", incident, "-c", "0"}, []string{"--concurrency"}},
		{"runs not a number", []string{"run", "-f", incident, "-n", "many"}, []string{"many"}},
		{"unknown runtime", []string{"run", "-f", incident, "--runtime", "nope"}, []string{"--runtime", `"nope"`}},
		{"unknown runtime (demo)", []string{"demo", "--runtime", "nope"}, []string{"--runtime"}},
		{"unknown fix (demo)", []string{"demo", "--fix", "reboot"}, []string{"--fix", `"reboot"`}},
		{"unknown flag", []string{"run", "--bogus"}, []string{"unknown flag: --bogus"}},
		{"unknown command", []string{"bogus"}, []string{`unknown command "bogus"`}},
		{"stray argument", []string{"run", "-f", incident, "extra"}, []string{"extra"}},
		{"HAR folder missing", []string{"run", "-f", incident, "--har", "/does/not/exist/x.har"}, []string{"/does/not/exist/x.har"}},
		{"replay without --url", []string{"replay"}, []string{"--url"}},
		{"replay unreachable", []string{"replay", "--url", "http://127.0.0.1:1"}, []string{"http://127.0.0.1:1", "connection refused"}},
		{"replay bad scheme", []string{"replay", "--url", "ftp://127.0.0.1"}, []string{"ftp://127.0.0.1"}},
		{"replay missing CA", []string{"replay", "--url", "https://127.0.0.1:1", "--ca", "nope.pem"}, []string{"nope.pem"}},
		{"ctl without up", []string{"ctl", "stop", "dc-west"}, []string{"no running lab", "stickylab up"}},
		{"ctl bad persistence", []string{"ctl", "persistence", "edge", "sticky"}, []string{`"sticky"`}},
		{"ctl bad latency", []string{"ctl", "latency", "dc-west", "soon"}, []string{`"soon"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			oneErrorLine(t, execute(t, c.args...), ExitUsage, c.wants...)
		})
	}
}

func TestVersion(t *testing.T) {
	r := execute(t, "version")
	if r.code != 0 || r.stdout == "" {
		t.Fatalf("version: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	for _, w := range []string{"stickylab dev", "go1."} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("version output %q lacks %q", r.stdout, w)
		}
	}
}
