package lab_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/lab"
	"github.com/stickylab/stickylab/lab/topology"
)

// redisTopology is two datacenters of one instance with a shared key and
// their sessions in Redis laid out as r.
func redisTopology(r topology.Redis) topology.Topology {
	topo := topology.Default()
	topo.Seed = 42
	topo.Redis = &r
	for i := range topo.Datacenters {
		topo.Datacenters[i].Instances = 1
		topo.Datacenters[i].App = topology.App{MachineKey: "shared", Sessions: "redis"}
	}
	return topo
}

// redisLab is redisTopology(r) on the local runtime.
func redisLab(t *testing.T, r topology.Redis) *lab.Lab {
	t.Helper()
	if r.Layout == "replicated" {
		if _, err := exec.LookPath("redis-server"); err != nil {
			t.Skip("redis.layout replicated needs redis-server (apt-get install redis-server)")
		}
	}
	return upLocal(t, redisTopology(r))
}

func TestAStoppedRedisIsAStoreFailureNeverANewSession(t *testing.T) {
	stoppedRedisFailsLogins(t, redisLab(t, topology.Redis{Layout: "shared"}))
}

// stoppedRedisFailsLogins stops the store of a shared-layout lab, checks
// that logins fail with session-store-unavailable, and starts it again.
func stoppedRedisFailsLogins(t *testing.T, l *lab.Lab) {
	t.Helper()
	ctx := ctxFor(t)
	if err := l.StopRedis(ctx, "dc-west"); err != nil {
		t.Fatal(err)
	}
	for _, app := range []string{"dc-east-1", "dc-west-1"} {
		if _, err := l.SessionCount(ctx, app); err == nil {
			t.Fatalf("StopRedis returned while %s still counted its sessions", app)
		}
	}
	u := newUser(t, l)
	if u.login() || !slices.Equal(u.failures(), []string{"session-store-unavailable"}) {
		t.Fatalf("login with the store stopped: failures %q, want session-store-unavailable only", u.failures())
	}
	if err := l.StartRedis(ctx, "dc-west"); err != nil {
		t.Fatal(err)
	}
	if u := newUser(t, l); !u.login() {
		t.Fatalf("login after StartRedis failed: %q", u.failures())
	}
}

func TestStoppingAReplicaLeavesThePrimarysDatacenterServing(t *testing.T) {
	l := redisLab(t, topology.Redis{Layout: "replicated", Primary: "dc-east"})
	ctx := ctxFor(t)
	if err := l.StopRedis(ctx, "dc-west"); err != nil {
		t.Fatal(err)
	}
	if _, err := l.SessionCount(ctx, "dc-east-1"); err != nil {
		t.Fatalf("the primary's datacenter lost its store with the replica: %v", err)
	}
	if err := l.StartRedis(ctx, "dc-west"); err != nil {
		t.Fatal(err)
	}
	if _, err := l.SessionCount(ctx, "dc-west-1"); err != nil {
		t.Fatalf("after StartRedis: %v", err)
	}
}

func TestRedisFaultsNameWhatIsWrong(t *testing.T) {
	l := upLocal(t, oneDatacenter(1))
	ctx := ctxFor(t)
	for dc, want := range map[string]string{
		"dc-north": `no datacenter "dc-north"`,
		"dc-east":  "app.sessions is not redis",
	} {
		if err := l.StopRedis(ctx, dc); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("StopRedis(%s) = %v, want an error with %q", dc, err, want)
		}
	}
}

func TestAReplicaBehindItsLatencyMissesFreshSessionsUntilItCatchesUp(t *testing.T) {
	l := redisLab(t, topology.Redis{Layout: "replicated", Primary: "dc-east"})
	ctx := ctxFor(t)
	if err := l.SetReplicationLatency(ctx, "dc-west", time.Hour); err != nil {
		t.Fatal(err)
	}
	east, west := 0, 0
	for east == 0 || west == 0 {
		u := newUser(t, l)
		ok := u.login()
		account := u.hopTo("/account")
		switch served, _, _ := strings.Cut(account.servedBy, "/"); {
		case served == "dc-east" && ok:
			east++
		case served == "dc-west" && !ok && account.failure == "session-missing":
			west++
		default:
			t.Fatalf("GET /account on %s: login %v (%q); want dc-east to log in and dc-west's replica to miss the session", served, ok, u.failures())
		}
	}
	if n, _ := l.SessionCount(ctx, "dc-west-1"); n != 0 {
		t.Fatalf("dc-west's replica holds %d sessions an hour early", n)
	}
	if err := l.SetReplicationLatency(ctx, "dc-west", 0); err != nil {
		t.Fatal(err)
	}
	if err := l.WaitReplicated(ctx); err != nil {
		t.Fatal(err)
	}
	if d := l.ReplicationLatency()["dc-west"]; d != 0 {
		t.Fatalf("ReplicationLatency = %s after setting 0", d)
	}
}

func TestReplicationLatencyNeedsAReplica(t *testing.T) {
	l := redisLab(t, topology.Redis{Layout: "replicated", Primary: "dc-east"})
	ctx := ctxFor(t)
	for dc, want := range map[string]string{"dc-east": "is no replica", "dc-north": `no datacenter "dc-north"`} {
		if err := l.SetReplicationLatency(ctx, dc, time.Second); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("SetReplicationLatency(%s) = %v, want %q", dc, err, want)
		}
	}
}
