package dockerrt

import (
	"context"
	"fmt"

	"github.com/testcontainers/testcontainers-go"
	tcnetwork "github.com/testcontainers/testcontainers-go/network"
	"github.com/testcontainers/testcontainers-go/wait"
	"golang.org/x/sync/errgroup"

	"github.com/stickylab/stickylab/lab/internal/plan"
)

// redisReady is what redis-server logs once it accepts clients, and
// replicaSynced what a replica logs once it holds its primary's data: a
// scratch image has no shell for a probe, and the apps are not up yet to
// PING it.
const (
	redisReady    = "Ready to accept connections"
	replicaSynced = "MASTER <-> REPLICA sync: Finished with success"
)

// startStores runs the plan's Redis stores, at once, before the apps that
// use them. Their containers carry the run's labels, so Down removes them
// with the rest of the run.
func (dep *deployment) startStores(ctx context.Context, img redisImage) error {
	g, gctx := errgroup.WithContext(ctx)
	for _, s := range dep.plan.Stores {
		g.Go(func() error {
			if err := dep.startStore(gctx, s, img); err != nil {
				return fmt.Errorf("start redis store %s: %w", s.Name, err)
			}
			return nil
		})
	}
	return g.Wait()
}

func (dep *deployment) startStore(ctx context.Context, s plan.Store, img redisImage) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	runID := dep.plan.RunID
	labels := runLabels(runID)
	labels[LabelNode] = s.Name
	args, ready := s.Args(plan.PortRedis), redisReady
	if host, port := dep.replicationTarget(s); host != "" {
		args, ready = append(args, s.ReplicaArgs(host, port)...), replicaSynced
	}
	opts := []testcontainers.ContainerCustomizer{
		testcontainers.WithLogger(tcLogger),
		testcontainers.WithName(containerName(runID, s.Name)),
		testcontainers.WithLabels(labels),
		testcontainers.WithCmd(img.cmd(args)...),
		testcontainers.WithWaitStrategy(wait.ForLog(ready).WithStartupTimeout(startupTimeout).WithPollInterval(pollInterval)),
		testcontainers.WithNoStart(),
	}
	for _, logical := range s.Networks {
		opts = append(opts, tcnetwork.WithNetworkName([]string{s.Name}, networkName(runID, logical)))
	}
	// Created detached from ctx, as startNode does, so that the cleanup by
	// label finds it.
	cctx, cancel := detached(ctx)
	defer cancel()
	c, err := testcontainers.Run(cctx, img.Tag, opts...)
	if err != nil {
		return err
	}
	dep.mu.Lock()
	dep.stores[s.Name] = c
	dep.mu.Unlock()
	if err := c.Start(ctx); err != nil {
		return withLogs(c, err)
	}
	return nil
}

// replicationTarget is where a replica reaches its primary: its
// replication link's port on the Toxiproxy container. "" for a store that
// replicates nothing.
func (dep *deployment) replicationTarget(s plan.Store) (string, int) {
	if s.ReplicaOf == "" {
		return "", 0
	}
	l, err := dep.plan.Link(plan.ReplicationLink(s.Datacenter))
	if err != nil { // the plan adds one for every replica
		return s.ReplicaOf, plan.PortRedis
	}
	return plan.ToxiproxyName, l.Listen
}

// store returns the container of the Redis store named name, nil when name
// is no store.
func (dep *deployment) store(name string) (*testcontainers.DockerContainer, error) {
	dep.mu.Lock()
	defer dep.mu.Unlock()
	c := dep.stores[name]
	switch {
	case c == nil:
		return nil, nil
	case dep.down:
		return nil, fmt.Errorf("redis store %s: the lab is down", name)
	}
	return c, nil
}
