package dockerrt

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/moby/moby/client"

	"github.com/stickylab/stickylab/internal/haproxy"
	"github.com/stickylab/stickylab/internal/testenv"
	"github.com/stickylab/stickylab/lab/topology"
)

func TestAMissingHAProxyNamesTheDebianPackage(t *testing.T) {
	_, err := hostBinary{Image: "haproxy image", Package: haproxy.Package, Path: "/nonexistent/haproxy", Dest: haproxyBinary}.files(t.Context())
	if err == nil || !strings.Contains(err.Error(), "apt-get install haproxy") {
		t.Fatalf("error %v, want one naming apt-get install haproxy", err)
	}
}

func TestTheHAProxyImageIsTheLabsImagePlusHAProxy(t *testing.T) {
	df := string(haproxyDockerfile("stickylab/lab:abc", []imageFile{{Dest: haproxyBinary}, {Dest: "/lib/x86_64-linux-gnu/libc.so.6"}}))
	for _, want := range []string{"FROM stickylab/lab:abc\n", "ENV PATH=/usr/sbin LD_LIBRARY_PATH=/lib/x86_64-linux-gnu\n"} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q:\n%s", want, df)
		}
	}
}

func TestALabWithHAProxyLBsRunsHAProxyContainers(t *testing.T) {
	cli := requireDocker(t)
	if _, err := haproxy.Binary(); err != nil {
		testenv.Skip(t, testenv.RequireHAProxy, "%v", err)
	}
	p := newPlan(t, topology.Topology{
		Name: "haproxy",
		Edge: topology.Edge{TLS: topology.Bool(false)},
		Datacenters: []topology.Datacenter{
			{Name: "dc-east", Instances: 2, LB: topology.Tier{Engine: topology.EngineHAProxy}},
		},
	})
	dep := start(t, p, noTLS)
	res, err := cli.ContainerInspect(t.Context(), containerName(p.RunID, "dc-east-lb"), client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Container.Config; !strings.HasPrefix(c.Image, "stickylab/haproxy:") || len(c.Cmd) == 0 || c.Cmd[0] != "haproxy" {
		t.Fatalf("dc-east-lb runs image %s with command %v, want stickylab/haproxy:… running `stickylab haproxy`", c.Image, c.Cmd)
	}
	u, err := dep.AdminURL("dc-east-lb")
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, upTimeout, "HAProxy reports both instances healthy", membersHealthy(u, "dc-east-1", "dc-east-2"))
	eventually(t, upTimeout, "the edge serves through HAProxy", func(ctx context.Context) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, dep.EdgeURL()+"/", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if set := strings.Join(resp.Header.Values("Set-Cookie"), "; "); !strings.Contains(set, "lbs=dc-east-") {
			return fmt.Errorf("no lbs=<server> cookie from HAProxy; Set-Cookie: %s", set)
		}
		return nil
	})
}
