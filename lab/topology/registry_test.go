package topology_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stickylab/stickylab/fakecdn/policy"
	"github.com/stickylab/stickylab/lab/topology"
)

// A topology file may name every selection policy and codec fakecdn
// registers, and only those: adding one to fakecdn (one file, registered
// from its init) needs no change here.
func TestTopologyFilesAcceptWhatFakecdnRegisters(t *testing.T) {
	for _, sel := range policy.Selections() {
		for _, codec := range policy.Codecs() {
			src := fmt.Sprintf("edge: {selection: %s, persistence: cookie, cookie: {codec: %s}}\ndatacenters: [{name: dc-east}]\n", sel, codec)
			if _, err := topology.Parse("registered.yaml", []byte(src)); err != nil {
				t.Errorf("selection %s, codec %s: %v", sel, codec, err)
			}
		}
	}
	_, err := topology.Parse("unknown.yaml", []byte("edge: {selection: fastest, cookie: {codec: rot13}}\ndatacenters: [{name: dc-east}]\n"))
	var verr *topology.ValidationError
	if !errors.As(err, &verr) || len(verr.Problems) != 2 || verr.Problems[0].Path != "edge.selection" || verr.Problems[1].Path != "edge.cookie.codec" {
		t.Fatalf("want edge.selection and edge.cookie.codec refused, got %v", err)
	}
}
