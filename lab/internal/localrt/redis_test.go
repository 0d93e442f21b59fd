package localrt_test

import (
	"fmt"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/stickylab/stickylab/lab/internal/localrt"
	"github.com/stickylab/stickylab/lab/internal/plan"
	"github.com/stickylab/stickylab/lab/topology"
)

// startLogged starts topo on the local runtime and returns what it logged.
func startLogged(t *testing.T, topo topology.Topology) (plan.Deployment, func() string) {
	t.Helper()
	var mu sync.Mutex
	var log strings.Builder
	logf := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(&log, format+"\n", args...)
	}
	topo.Edge.TLS = topology.Bool(false)
	p, err := plan.New(topo)
	if err != nil {
		t.Fatal(err)
	}
	dep, err := localrt.New(logf).Start(t.Context(), p, plan.TLSFiles{})
	if dep != nil {
		t.Cleanup(func() { dep.Down(t.Context()) })
	}
	if err != nil {
		t.Fatal(err)
	}
	return dep, func() string { mu.Lock(); defer mu.Unlock(); return log.String() }
}

func redisSessions() topology.Topology {
	return topology.Topology{Datacenters: []topology.Datacenter{
		{Name: "dc-east", Instances: 1, App: topology.App{Sessions: "redis"}},
		{Name: "dc-west", Instances: 1, App: topology.App{Sessions: "redis"}},
	}}
}

func TestRedisSessionsUseTheHostsRedisServerAndSaySo(t *testing.T) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server is not installed (apt-get install redis-server)")
	}
	dep, log := startLogged(t, redisSessions())
	if !strings.Contains(log(), "runtime: redis store redis: ") || !strings.Contains(log(), "redis-server (maxmemory 64mb, volatile-lru)") {
		t.Fatalf("the runtime did not say it runs redis-server:\n%s", log())
	}
	for _, app := range []string{"dc-east-1", "dc-west-1"} {
		u, _ := dep.AdminURL(app)
		if code, body := get(t, http.DefaultClient, u+"/admin/sessions"); code != 200 || !strings.Contains(body, `"evicted_keys":0`) {
			t.Fatalf("%s GET /admin/sessions = %d %s, want a Redis store's count", app, code, body)
		}
	}
}

func TestWithoutRedisServerTheStoreIsMiniredisAndSaysSo(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no redis-server to find
	_, log := startLogged(t, redisSessions())
	if !strings.Contains(log(), "runtime: redis store redis: miniredis in-process") {
		t.Fatalf("the runtime did not say it fell back to miniredis:\n%s", log())
	}
}

func replicatedSessions() topology.Topology {
	t := redisSessions()
	t.Redis = &topology.Redis{Layout: "replicated", Primary: "dc-east"}
	return t
}

func TestReplicatedStoresAreRedisServerReplicasOfThePrimary(t *testing.T) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server is not installed (apt-get install redis-server)")
	}
	dep, log := startLogged(t, replicatedSessions())
	if !strings.Contains(log(), "runtime: redis store dc-west-redis: ") || !strings.Contains(log(), "replica of dc-east-redis via 127.0.0.1:") {
		t.Fatalf("the runtime did not say it runs a replica:\n%s", log())
	}
	west, _ := dep.AdminURL("dc-west-1")
	sessionsAnswer := func(want int) {
		t.Helper()
		if code, body := get(t, http.DefaultClient, west+"/admin/sessions"); code != want {
			t.Fatalf("dc-west-1 GET /admin/sessions = %d %s, want %d", code, body, want)
		}
	}
	sessionsAnswer(200)
	if err := dep.Stop(t.Context(), "dc-east-redis"); err != nil {
		t.Fatal(err)
	}
	sessionsAnswer(503) // its writes go to the stopped primary
	if err := dep.Start(t.Context(), "dc-east-redis"); err != nil {
		t.Fatal(err)
	}
	sessionsAnswer(200)
}

func TestReplicatedStoresWithoutRedisServerNameTheDebianPackage(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no redis-server to find
	topo := replicatedSessions()
	topo.Edge.TLS = topology.Bool(false)
	p, err := plan.New(topo)
	if err != nil {
		t.Fatal(err)
	}
	dep, err := localrt.New(nil).Start(t.Context(), p, plan.TLSFiles{})
	if dep != nil || err == nil || !strings.Contains(err.Error(), "apt-get install redis-server") || !strings.Contains(err.Error(), "does not replicate") {
		t.Fatalf("Start = %v, %v; want an error naming the package", dep, err)
	}
}
