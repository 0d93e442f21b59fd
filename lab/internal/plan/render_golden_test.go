package plan_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stickylab/stickylab/fakecdn"
	"github.com/stickylab/stickylab/lab/internal/plan"
	"github.com/stickylab/stickylab/lab/topology"
)

// The topology files and fakecdn's GET /state stay what they were: every
// shipped example and testdata file is rendered for every LB, read back by
// fakecdn, and its /state JSON compared byte for byte with the .state.json
// recorded before the policy package existed (UPDATE_GOLDEN=1 rewrites it).
func TestTopologyFilesRenderAsBefore(t *testing.T) {
	examples, _ := filepath.Glob("../../../examples/*.yaml")
	files, _ := filepath.Glob("testdata/*.yaml")
	for _, f := range append(examples, files...) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			topo, err := topology.Load(f)
			if err != nil {
				t.Fatal(err)
			}
			p, err := plan.New(topo)
			if err != nil {
				t.Fatal(err)
			}
			var states []fakecdn.State
			for _, n := range p.Nodes {
				if n.LB == nil {
					continue
				}
				y, err := n.LB.Config(func(node string) string { return "http://" + node + ":8080" })
				if err != nil {
					t.Fatal(err)
				}
				c, err := fakecdn.ParseConfig(y)
				if err != nil {
					t.Fatalf("%s: %v\n%s", n.Name, err, y)
				}
				lb, err := fakecdn.New(c.WithDefaults())
				if err != nil {
					t.Fatalf("%s: %v\n%s", n.Name, err, y)
				}
				states = append(states, lb.State())
			}
			got, _ := json.MarshalIndent(states, "", "  ")
			golden := filepath.Join("testdata", strings.TrimSuffix(filepath.Base(f), ".yaml")+".state.json")
			if os.Getenv("UPDATE_GOLDEN") != "" {
				if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if string(got)+"\n" != string(want) {
				t.Errorf("%s renders to another /state than before:\n%s\nwant (%s):\n%s", f, got, golden, want)
			}
		})
	}
}
