package dockerrt

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	tclog "github.com/testcontainers/testcontainers-go/log"
	"golang.org/x/sync/errgroup"

	"github.com/stickylab/stickylab/lab/internal/plan"
)

// cleanupTimeout bounds the removal a failed Start does after its own ctx
// may already be cancelled.
const cleanupTimeout = 30 * time.Second

// createTimeout bounds one engine create call, which runs detached from the
// caller's ctx, when the caller's deadline is nearer or absent. A hang
// guard: a loaded engine takes tens of seconds to create and copy files.
const createTimeout = 2 * time.Minute

// detached is ctx without its cancellation, for an engine call that must run
// to its end (see startNode). It keeps the caller's deadline when that leaves
// more than createTimeout: a slow engine gets the whole budget the caller
// gave, not a guess of how fast engines are.
func detached(ctx context.Context) (context.Context, context.CancelFunc) {
	if d, ok := ctx.Deadline(); ok && time.Until(d) > createTimeout {
		return context.WithDeadline(context.WithoutCancel(ctx), d)
	}
	return context.WithTimeout(context.WithoutCancel(ctx), createTimeout)
}

// tcLogger is what testcontainers-go logs to: nothing, unless asked for.
var tcLogger = func() tclog.Logger {
	if os.Getenv("STICKYLAB_TESTCONTAINERS_LOG") != "" {
		return tclog.Default()
	}
	return tclog.NewNoopLogger()
}()

// New returns the Docker driver; logf (may be nil) hears about image builds
// and sweeps.
func New(logf func(format string, args ...any)) plan.Driver {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	return &driver{logf: logf}
}

type driver struct {
	logf func(string, ...any)
	// created, when set, hears each node whose container was just created,
	// before it is started: tests use it to cancel a start mid-way.
	created func(node string)
}

// Start sweeps dead runs, makes sure the images exist, then creates the
// run's networks and starts every node at once. On error it removes what it
// created and returns the error of the step that failed.
func (d *driver) Start(ctx context.Context, p *plan.Plan, tlsFiles plan.TLSFiles) (plan.Deployment, error) {
	if p == nil || p.RunID == "" || len(p.Nodes) == 0 {
		return nil, errors.New("docker runtime: empty plan")
	}
	cli, err := dockerClient(ctx)
	if err != nil {
		return nil, fmt.Errorf("docker runtime: %w", err)
	}
	var image string
	var redis redisImage
	g, gctx := errgroup.WithContext(ctx)
	if len(p.Stores) > 0 {
		g.Go(func() (err error) {
			redis, err = ensureRedisImage(gctx, cli, d.logf)
			return err
		})
	}
	g.Go(func() error {
		if err := Sweep(gctx); err != nil && gctx.Err() == nil {
			d.logf("sweep of dead runs: %v", err) // a failed sweep must not stop a new run
		}
		return nil
	})
	g.Go(func() (err error) {
		image, err = ensureImage(gctx, cli, d.logf)
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	haproxyImage := ""
	if p.UsesHAProxy() {
		if haproxyImage, err = ensureHAProxyImage(ctx, cli, image, d.logf); err != nil {
			return nil, fmt.Errorf("docker runtime: %w", err)
		}
	}
	dep := &deployment{cli: cli, plan: p, tls: p.TLS(), nodes: map[string]*node{}, stores: map[string]*testcontainers.DockerContainer{}, created: d.created}
	if err := dep.up(ctx, image, haproxyImage, redis, tlsFiles); err != nil {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
		defer cancel()
		return nil, errors.Join(err, dep.Down(cctx))
	}
	return dep, nil
}

// up creates the networks, then all containers, each in parallel; HAProxy
// LBs run haproxyImage. Cleanup is
// by the run label, so whatever was created is found again even when
// creation failed half-way.
func (dep *deployment) up(ctx context.Context, image, haproxyImage string, redis redisImage, tlsFiles plan.TLSFiles) error {
	specs := make([]spec, len(dep.plan.Nodes))
	for i, n := range dep.plan.Nodes {
		s, err := nodeSpec(dep.plan, n, image, tlsFiles, dep.tls)
		if err != nil {
			return err
		}
		if n.Kind == plan.KindLB && n.LB.Tier.HAProxy() {
			s = haproxySpec(s, n, haproxyImage)
		}
		specs[i] = s
	}
	if err := dep.createNetworks(ctx); err != nil {
		return err
	}
	// The links first: a replica replicates over one. Their upstreams are
	// resolved at each connection, so they need nothing started yet.
	if err := dep.startLinks(ctx, image); err != nil {
		return err
	}
	if err := dep.startStores(ctx, redis); err != nil {
		return err
	}
	g, gctx := errgroup.WithContext(ctx)
	for i, n := range dep.plan.Nodes {
		g.Go(func() error {
			if err := dep.startNode(gctx, n, specs[i]); err != nil {
				return fmt.Errorf("start %s: %w", n.Name, err)
			}
			return nil
		})
	}
	return g.Wait()
}

// startNode creates a node's container, then starts it and waits for its
// /healthz. Creation runs to its end even when ctx is cancelled: a create
// the engine finishes after the client gave up would escape the cleanup's
// listing by label. Starting and waiting honour ctx.
func (dep *deployment) startNode(ctx context.Context, n plan.Node, s spec) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	opts, err := s.customizers(dep.plan.RunID, n)
	if err != nil {
		return err
	}
	cctx, cancel := detached(ctx)
	defer cancel()
	c, err := testcontainers.Run(cctx, s.Image, append(opts, testcontainers.WithNoStart())...)
	nd := dep.register(n, c)
	if err != nil {
		return err
	}
	if dep.created != nil {
		dep.created(n.Name)
	}
	if err := c.Start(ctx); err != nil {
		return withLogs(c, err)
	}
	return dep.refreshPorts(ctx, nd)
}

// withLogs appends the last lines a failed container wrote: the program's
// own reason (a bad flag, a bad config) says more than "exited with code 2".
func withLogs(c *testcontainers.DockerContainer, err error) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	rc, lerr := c.Logs(ctx)
	if lerr != nil {
		return err
	}
	defer rc.Close()
	b, _ := io.ReadAll(io.LimitReader(rc, 64<<10))
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) == 1 && lines[0] == "" {
		return err
	}
	if len(lines) > 5 {
		lines = lines[len(lines)-5:]
	}
	return fmt.Errorf("%w; its last output: %s", err, strings.Join(lines, " | "))
}

// createNetworks creates the run's networks (wan and one per datacenter) at
// once.
func (dep *deployment) createNetworks(ctx context.Context) error {
	logicals := dep.logicalNetworks()
	g, gctx := errgroup.WithContext(ctx)
	for _, logical := range logicals {
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			name := networkName(dep.plan.RunID, logical)
			labels := runLabels(dep.plan.RunID)
			testcontainers.AddGenericLabels(labels)
			// testcontainers-go's network.New draws a random name; these
			// need theirs, so the engine is called directly, detached from
			// ctx for the reason given at startNode.
			cctx, cancel := detached(gctx)
			defer cancel()
			if _, err := dep.cli.NetworkCreate(cctx, name, client.NetworkCreateOptions{Driver: "bridge", Labels: labels}); err != nil {
				return fmt.Errorf("create network %s: %w", name, err)
			}
			return nil
		})
	}
	return g.Wait()
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
