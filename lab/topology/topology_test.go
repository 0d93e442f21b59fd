package topology_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/lab/topology"
)

func TestDefaultsReproduceTheIncident(t *testing.T) {
	topo := topology.Default()
	if err := topo.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(topo.Datacenters) != 2 || topo.Containers() != 7 {
		t.Fatalf("want 2 datacenters and 7 containers, got %d and %d", len(topo.Datacenters), topo.Containers())
	}
	if topo.Edge.Persistence != "none" || topo.Edge.Selection != "random" || !topology.On(topo.Edge.PassthroughSingle, false) || !topology.On(topo.Edge.TLS, false) {
		t.Fatalf("edge defaults: %+v", topo.Edge)
	}
	for _, dc := range topo.Datacenters {
		if dc.LB.Persistence != "cookie" || dc.LB.Cookie != (topology.Cookie{Name: "lbs", Codec: "f5-encrypted"}) {
			t.Fatalf("%s lb defaults: %+v", dc.Name, dc.LB)
		}
		if dc.App.MachineKey != "datacenter" || dc.App.Sessions != "memory" || dc.App.SessionTimeout != 20*time.Minute {
			t.Fatalf("%s app defaults: %+v", dc.Name, dc.App)
		}
		if dc.Weight != 1 || dc.Instances != 2 {
			t.Fatalf("%s weight/instances: %g/%d", dc.Name, dc.Weight, dc.Instances)
		}
	}
	if got := topo.Datacenters[0].InstanceNames(); strings.Join(got, ",") != "dc-east-1,dc-east-2" {
		t.Fatalf("instance names: %v", got)
	}
}

func TestParseTheDesignExample(t *testing.T) {
	src := `
name: seed-incident
seed: 42
edge:
  selection: random
  persistence: none
  cookie: {name: cdn_dc, codec: f5-encrypted, ttl: 0s}
  undecodable: reissue
  on_member_down: failover
  passthrough_single: true
  tls: true
datacenters:
  - name: dc-east
    weight: 1
    instances: 2
    lb:
      selection: round-robin
      persistence: cookie
      cookie: {name: lbs, codec: f5-encrypted}
    app:
      machine_key: datacenter
      sessions: memory
  - name: dc-west
    weight: 3
    instances: 1
`
	topo, err := topology.Parse("design.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if topo.Seed != 42 || topo.Datacenters[1].Weight != 3 || topo.Datacenters[1].Instances != 1 {
		t.Fatalf("parsed: %+v", topo)
	}
	if topo.Datacenters[1].LB.Cookie.Name != "lbs" {
		t.Fatalf("dc-west should get the lbs default: %+v", topo.Datacenters[1].LB)
	}
}

func TestValidationReportsEveryProblemWithItsPath(t *testing.T) {
	src := `
edge:
  persistence: sticky
datacenters:
  - name: dc-east
    weight: 0
  - name: dc-east
    instances: -1
  - name: DC_West
    lb: {undecodable: ignore}
    app: {machine_key: farm, sessions: shared}
`
	_, err := topology.Parse("bad.yaml", []byte(src))
	var ve *topology.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want a ValidationError, got %v", err)
	}
	for _, want := range []string{
		`edge.persistence: "sticky" is not one of none, cookie, source-ip`,
		`datacenters[0].weight: must be > 0, got 0`,
		`datacenters[1].name: "dc-east" is already the name of datacenters[0]`,
		`datacenters[1].instances: must be at least 1, got -1`,
		`datacenters[2].name: "DC_West" is not a DNS label`,
		`datacenters[2].lb.undecodable: "ignore" is not one of reissue, reject`,
		`datacenters[2].app.machine_key: "farm" is not one of instance, datacenter, shared`,
		`datacenters[2].app.sessions: "shared" is not one of memory, redis`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
	if n := strings.Count(err.Error(), "datacenters[1].instances"); n != 1 {
		t.Errorf("each problem once, got datacenters[1].instances %d times: %v", n, err)
	}
	if !strings.HasPrefix(err.Error(), "invalid topology bad.yaml: ") {
		t.Errorf("the error should name the file: %v", err)
	}
}

func TestUnknownFieldsAreErrorsWithTheirLine(t *testing.T) {
	_, err := topology.Parse("typo.yaml", []byte("datacenters:\n  - name: dc-east\n    wieght: 2\n"))
	if err == nil || !strings.Contains(err.Error(), `typo.yaml:3:5: unknown field "wieght"`) {
		t.Fatalf("want the file, line and field, got %v", err)
	}
}

func TestNoDatacentersAndEmptyFiles(t *testing.T) {
	if _, err := topology.Parse("e.yaml", []byte("  \n")); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Fatalf("empty file: %v", err)
	}
	_, err := topology.Parse("n.yaml", []byte("name: x\n"))
	if err == nil || !strings.Contains(err.Error(), "datacenters: at least one datacenter is required") {
		t.Fatalf("no datacenters: %v", err)
	}
}

func TestTooManyContainers(t *testing.T) {
	topo := topology.Topology{Datacenters: []topology.Datacenter{{Name: "big", Instances: 63}}}.WithDefaults()
	err := topo.Validate()
	if err == nil || !strings.Contains(err.Error(), "65 containers in total") {
		t.Fatalf("want the container bound, got %v", err)
	}
}

func TestReservedNames(t *testing.T) {
	topo := topology.Topology{Datacenters: []topology.Datacenter{{Name: "edge"}}}.WithDefaults()
	if err := topo.Validate(); err == nil || !strings.Contains(err.Error(), `"edge" is reserved`) {
		t.Fatalf("want reserved-name error, got %v", err)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := topology.Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if err == nil || !strings.Contains(err.Error(), "nope.yaml") {
		t.Fatalf("want the path in the error, got %v", err)
	}
}

func TestLoadTheShippedExamples(t *testing.T) {
	files, err := filepath.Glob("../../examples/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples/*.yaml found (%v): the shipped examples must exist and load", err)
	}
	for _, f := range files {
		if _, err := topology.Load(f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// A cookie forced Secure behind a plain-HTTP edge would never come back:
// the topology says so instead of failing quietly at run time.
func TestCookieOptionsParseAndSecureNeedsTLS(t *testing.T) {
	topo, err := topology.Parse("ok.yaml", []byte("edge: {cookie: {nocache: true, httponly: false}}\ndatacenters: [{name: dc-east, lb: {cookie: {secure: true}}}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c := topo.Edge.Cookie; !c.NoCache || c.HTTPOnly == nil || *c.HTTPOnly || c.Secure != nil {
		t.Errorf("edge cookie %+v", c)
	}
	if s := topo.Datacenters[0].LB.Cookie.Secure; s == nil || !*s {
		t.Errorf("dc-east secure %v", s)
	}
	_, err = topology.Parse("plain.yaml", []byte("edge: {tls: false, cookie: {secure: true}}\ndatacenters: [{name: dc-east, lb: {cookie: {secure: true}}}, {name: dc-west, lb: {cookie: {secure: false}}}]\n"))
	for _, want := range []string{"edge.cookie.secure: secure: true with edge.tls: false", "datacenters[0].lb.cookie.secure: "} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q, got %v", want, err)
		}
	}
	if err != nil && strings.Contains(err.Error(), "datacenters[1]") {
		t.Errorf("secure: false is fine over plain HTTP: %v", err)
	}
}
