package dockerrt

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stickylab/stickylab/lab/topology"
)

func TestParseLddListsEveryLibraryAndTheLoader(t *testing.T) {
	out := "\tlinux-vdso.so.1 (0x00007ffd)\n" +
		"\tliblzf.so.1 => /lib/x86_64-linux-gnu/liblzf.so.1 (0x00007f1d)\n" +
		"\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f1c)\n" +
		"\t/lib64/ld-linux-x86-64.so.2 (0x00007f1b)\n"
	libs, err := parseLdd(out)
	if err != nil {
		t.Fatal(err)
	}
	want := "/lib/x86_64-linux-gnu/libc.so.6 /lib/x86_64-linux-gnu/liblzf.so.1 /lib64/ld-linux-x86-64.so.2"
	if got := strings.Join(libs, " "); got != want {
		t.Fatalf("libraries %q, want %q (the vdso is not a file)", got, want)
	}
	if _, err := parseLdd("\tliblzf.so.1 => not found\n"); err == nil || !strings.Contains(err.Error(), "liblzf.so.1") {
		t.Fatalf("a missing library: error %v, want one naming it", err)
	}
}

func TestAMissingRedisServerNamesTheDebianPackage(t *testing.T) {
	_, err := redisFiles(t.Context(), "/nonexistent/redis-server")
	if err == nil || !strings.Contains(err.Error(), "apt-get install redis-server") {
		t.Fatalf("error %v, want one naming apt-get install redis-server", err)
	}
}

func TestRedisDockerfileIsFromScratchWithTheLibraryDirs(t *testing.T) {
	df := string(redisDockerfile([]imageFile{
		{Dest: redisBinary}, {Dest: "/lib/x86_64-linux-gnu/libc.so.6"}, {Dest: "/lib64/ld-linux-x86-64.so.2"},
	}))
	for _, want := range []string{"FROM scratch\n", "LD_LIBRARY_PATH=/lib/x86_64-linux-gnu:/lib64\n", `ENTRYPOINT ["/usr/bin/redis-server"]`} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q:\n%s", want, df)
		}
	}
}

func TestALabWithRedisSessionsRunsARedisContainerTheAppsShare(t *testing.T) {
	cli := requireDocker(t)
	topo := topology.Topology{
		Name: "redis",
		Edge: topology.Edge{TLS: topology.Bool(false)},
		Datacenters: []topology.Datacenter{
			{Name: "dc-east", Instances: 1, App: topology.App{Sessions: "redis"}},
			{Name: "dc-west", Instances: 1, App: topology.App{Sessions: "redis"}},
		},
	}
	p := newPlan(t, topo)
	dep := start(t, p, noTLS)
	if got := strings.Join(leftovers(t, cli, p.RunID), " "); !strings.Contains(got, containerName(p.RunID, "redis")) {
		t.Fatalf("no redis container in the run: %s", got)
	}
	for _, app := range []string{"dc-east-1", "dc-west-1"} {
		if code, body := adminSessions(t, dep, app); code != http.StatusOK || !strings.Contains(body, `"evicted_keys":0`) {
			t.Fatalf("%s GET /admin/sessions = %d %s: the app cannot reach the store", app, code, body)
		}
	}
}

// adminSessions is an app's GET /admin/sessions.
func adminSessions(t *testing.T, dep interface{ AdminURL(string) (string, error) }, app string) (int, string) {
	t.Helper()
	u, err := dep.AdminURL(app)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), upTimeout)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u+"/admin/sessions", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestAReplicatedLabRunsAReplicaThatFollowsThePrimary(t *testing.T) {
	cli := requireDocker(t)
	topo := topology.Topology{
		Name:  "replicated",
		Edge:  topology.Edge{TLS: topology.Bool(false)},
		Redis: &topology.Redis{Layout: "replicated", Primary: "dc-east"},
		Datacenters: []topology.Datacenter{
			{Name: "dc-east", Instances: 1, App: topology.App{Sessions: "redis"}},
			{Name: "dc-west", Instances: 1, App: topology.App{Sessions: "redis"}},
		},
	}
	p := newPlan(t, topo)
	dep := start(t, p, noTLS)
	got := strings.Join(leftovers(t, cli, p.RunID), " ")
	for _, s := range []string{"dc-east-redis", "dc-west-redis"} {
		if !strings.Contains(got, containerName(p.RunID, s)) {
			t.Fatalf("no %s container in the run: %s", s, got)
		}
	}
	if code, body := adminSessions(t, dep, "dc-west-1"); code != http.StatusOK {
		t.Fatalf("dc-west-1 GET /admin/sessions = %d %s: the app cannot reach its replica and the primary", code, body)
	}
	if err := dep.Stop(t.Context(), "dc-east-redis"); err != nil {
		t.Fatal(err)
	}
	if code, body := adminSessions(t, dep, "dc-west-1"); code != http.StatusServiceUnavailable {
		t.Fatalf("primary stopped: dc-west-1 GET /admin/sessions = %d %s, want 503", code, body)
	}
	if err := dep.Start(t.Context(), "dc-east-redis"); err != nil {
		t.Fatal(err)
	}
}
