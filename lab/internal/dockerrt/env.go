package dockerrt

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"os"
	"sync"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	tclog "github.com/testcontainers/testcontainers-go/log"
)

// pingTimeout bounds Available. A missing engine fails at once (no socket,
// connection refused); this only bounds an engine that accepts and does not
// answer, and must leave a busy engine (a loaded machine, fuse-overlayfs)
// time to answer: a slow engine taken for a missing one would silently move
// auto to the local runtime.
const pingTimeout = 15 * time.Second

func init() {
	// testcontainers-go reads its configuration once, on first use, so the
	// environment must be right before anything of it runs.
	if _, ok := os.LookupEnv("TESTCONTAINERS_RYUK_DISABLED"); !ok {
		// The reaper image cannot be pulled; Sweep and Clean replace it.
		os.Setenv("TESTCONTAINERS_RYUK_DISABLED", "true")
	}
	if _, ok := os.LookupEnv("TESTCONTAINERS_HOST_OVERRIDE"); !ok && localEngine(os.Getenv("DOCKER_HOST")) == nil {
		// With /.dockerenv present testcontainers-go would look for published
		// ports on the default gateway; they are on 127.0.0.1.
		os.Setenv("TESTCONTAINERS_HOST_OVERRIDE", "127.0.0.1")
	}
	if os.Getenv("STICKYLAB_TESTCONTAINERS_LOG") == "" {
		// Its banner and per-container chatter would end up in the CLI's
		// output; the lab reports through its own logf.
		tclog.SetDefault(tclog.NewNoopLogger())
	}
}

// localEngine returns nil when dockerHost names an engine on this machine:
// unset, a local socket, or TCP on a loopback address. The lab publishes
// ports on 127.0.0.1 and talks to nothing else, so a remote engine is
// refused before any traffic is sent to it.
func localEngine(dockerHost string) error {
	if dockerHost == "" {
		return nil
	}
	u, err := url.Parse(dockerHost)
	if err != nil {
		return fmt.Errorf("DOCKER_HOST=%s: %w", dockerHost, err)
	}
	switch u.Scheme {
	case "unix", "npipe":
		return nil
	case "tcp", "http", "https":
		if ip, err := netip.ParseAddr(u.Hostname()); (err == nil && ip.IsLoopback()) || u.Hostname() == "localhost" {
			return nil
		}
	}
	return fmt.Errorf("the Docker runtime needs a local engine (ports are published on 127.0.0.1), not %s", dockerHost)
}

var shared struct {
	mu  sync.Mutex
	cli *client.Client
}

// dockerClient returns the process-wide client, created the way
// testcontainers-go creates its own (DOCKER_HOST, docker context,
// ~/.testcontainers.properties) and kept once the engine has answered.
func dockerClient(ctx context.Context) (*client.Client, error) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.cli != nil {
		return shared.cli, nil
	}
	if err := localEngine(os.Getenv("DOCKER_HOST")); err != nil {
		return nil, err
	}
	// testcontainers-go panics when its first `docker info` is cut by ctx:
	// give it a bound of its own, then check the answer against ctx.
	tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), pingTimeout)
	defer cancel()
	tc, err := testcontainers.NewDockerClientWithOpts(tctx)
	if err != nil {
		return nil, fmt.Errorf("docker client: %w", err)
	}
	if err := localEngine(tc.Client.DaemonHost()); err != nil {
		return nil, err
	}
	if _, err := tc.Client.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		return nil, fmt.Errorf("ping docker engine at %s: %w", tc.Client.DaemonHost(), err)
	}
	shared.cli = tc.Client
	return shared.cli, nil
}

// Available reports nil when a Docker engine answers within pingTimeout, or
// an error saying why not.
func Available(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	cli, err := dockerClient(ctx)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return fmt.Errorf("no answer from a Docker engine within %s: %w", pingTimeout, err)
		}
		return err
	}
	if _, err := cli.Ping(ctx, client.PingOptions{}); err != nil {
		return fmt.Errorf("ping docker engine at %s: %w", cli.DaemonHost(), err)
	}
	return nil
}
