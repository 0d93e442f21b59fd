package replay_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stickylab/stickylab/lab/replay"
	"github.com/stickylab/stickylab/lab/replay/replaytest"
)

func TestTheShippedFlowFilesEqualTheBuiltInFlows(t *testing.T) {
	for _, want := range replay.Flows() {
		path := filepath.Join("..", "..", "examples", "flows", want.Name+".yaml")
		got, err := replay.LoadFlow(path)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", path, got, want)
		}
	}
}

func TestResolveFlowTakesANameOrAFile(t *testing.T) {
	if f, err := replay.ResolveFlow("change-password"); err != nil || f.Name != "change-password" {
		t.Fatalf("by name: %+v, %v", f, err)
	}
	if f, err := replay.ResolveFlow(filepath.Join("..", "..", "examples", "flows", "login.yaml")); err != nil || f.Requests() != 3 {
		t.Fatalf("by file: %+v, %v", f, err)
	}
	if _, err := replay.ResolveFlow("logon"); err == nil || !strings.Contains(err.Error(), "known flows: login, change-password") {
		t.Fatalf("unknown name: %v", err)
	}
	if _, err := replay.ResolveFlow("missing.yaml"); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Fatalf("missing file: %v", err)
	}
}

func TestFlowFileErrorsGiveTheLine(t *testing.T) {
	for name, c := range map[string]struct{ yaml, want string }{
		"unknown field": {"name: x\nsteps:\n  - name: a\n    path: /a\n    expct: {status: 200}\n", "f.yaml:5:5: "},
		"bad path":      {"name: x\nsteps:\n  - name: a\n    path: /a\n  - name: b\n    path: b\n", `f.yaml:6:11: step b: path "b" must start with /`},
		"bad method":    {"name: x\nsteps:\n  - name: a\n    method: FETCH\n    path: /a\n", `f.yaml:4:13: step a: unsupported method "FETCH"`},
		"bad status":    {"name: x\nsteps:\n  - name: a\n    path: /a\n    expect:\n      status: 2000\n", "f.yaml:6:15: step a: status 2000 is not an HTTP status"},
		"value and from": {"name: x\nsteps:\n  - name: a\n    method: POST\n    path: /a\n    form:\n      - {name: t, value: v, from: t}\n",
			"f.yaml:7:10: step a: form field t has both value: and from:"},
		"no steps":    {"name: x\n", "f.yaml:1:1: flow \"x\" has no steps:"},
		"no name":     {"steps:\n  - name: a\n    path: /a\n", "f.yaml:1:1: the flow needs a name:"},
		"wrong type":  {"name: x\nsteps: {name: a}\n", "f.yaml:2:"},
		"get form":    {"name: x\nsteps:\n  - name: a\n    path: /a\n    form: [{name: q, value: v}]\n", "f.yaml:5:11: step a: a form needs method POST"},
		"empty":       {"  \n", "f.yaml: the flow file is empty"},
		"step noname": {"name: x\nsteps:\n  - path: /a\n", "f.yaml:3:5: the step needs a name:"},
	} {
		_, err := replay.ParseFlow("f.yaml", []byte(c.yaml))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: want an error starting %q, got %v", name, c.want, err)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error on several lines: %q", name, err)
		}
	}
}

func TestAFlowFileRunsLikeTheBuiltInFlow(t *testing.T) {
	srv, _, pool := fixture(t, replaytest.Config{Seed: 3, EdgeSticky: true})
	path := filepath.Join(t.TempDir(), "my-login.yaml")
	data := "name: my-login\nsteps:\n  - {name: page, path: /login, expect: {status: 200}}\n" +
		"  - name: post\n    method: post\n    path: /login\n    form:\n      - {name: UserName, value: \"${user}\"}\n" +
		"      - {name: Password, value: \"${password}\"}\n      - {name: __RequestVerificationToken, from: __RequestVerificationToken}\n" +
		"    follow: true\n    expect: {status: 200, location: /account, body_contains: Welcome}\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	flow, err := replay.LoadFlow(path)
	if err != nil {
		t.Fatal(err)
	}
	res, err := newReplayer(t, srv.URL, replay.WithCAPool(pool)).Replay(t.Context(), flow, 5, 2)
	if err != nil {
		t.Fatal(err)
	}
	if s := res.Summary(); s.Failures != 0 || s.Runs != 5 {
		t.Fatalf("want 5 successful runs of the file's flow, got %+v: %v", s, res.Failed())
	}
}
