package dockerrt

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/client"
)

// Clean removes every container and network labelled stickylab.run, of any
// run and any owner. Images are kept: they are a build cache.
func Clean(ctx context.Context) error {
	cli, err := dockerClient(ctx)
	if err != nil {
		return err
	}
	return removeMatching(ctx, cli, labelFilter(LabelRun, ""), func(map[string]string) bool { return true })
}

// Sweep removes the containers and networks of runs whose owner process
// (stickylab.pid) is dead: labs left by a killed test or CLI. Start calls it
// before every run.
func Sweep(ctx context.Context) error {
	cli, err := dockerClient(ctx)
	if err != nil {
		return err
	}
	return removeMatching(ctx, cli, labelFilter(LabelPID, ""), ownerDead)
}

// removeRun removes one run's containers and networks.
func removeRun(ctx context.Context, cli *client.Client, runID string) error {
	return removeMatching(ctx, cli, labelFilter(LabelRun, runID), func(map[string]string) bool { return true })
}

// removeMatching force-removes, all at once, the containers selected by f
// and pick, and the networks: each network as soon as the containers
// attached to it are gone (a network with endpoints cannot be removed), so
// that network teardown overlaps with the removal of other containers.
func removeMatching(ctx context.Context, cli *client.Client, f client.Filters, pick func(map[string]string) bool) error {
	cs, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		return fmt.Errorf("list containers: %w", err)
	}
	ns, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	if err != nil {
		return fmt.Errorf("list networks: %w", err)
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		errs     []error
		attached = map[string][]chan struct{}{} // network name → its containers' removals
	)
	fail := func(err error) {
		mu.Lock()
		errs = append(errs, err)
		mu.Unlock()
	}
	for _, c := range cs.Items {
		if !pick(c.Labels) {
			continue
		}
		done := make(chan struct{})
		if c.NetworkSettings != nil {
			for net := range c.NetworkSettings.Networks {
				attached[net] = append(attached[net], done)
			}
		}
		wg.Go(func() {
			defer close(done)
			_, err := cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
			if err != nil && !errdefs.IsNotFound(err) && !isRemovalInProgress(err) {
				fail(fmt.Errorf("remove container %.12s: %w", c.ID, err))
			}
		})
	}
	for _, n := range ns.Items {
		if !pick(n.Labels) {
			continue
		}
		wg.Go(func() {
			for _, done := range attached[n.Name] {
				<-done
			}
			if err := removeNetwork(ctx, cli, n.Name); err != nil {
				fail(err)
			}
		})
	}
	wg.Wait()
	sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
	return errors.Join(errs...)
}

// removeNetwork retries briefly while the engine still releases endpoints of
// containers removed an instant ago (or being removed by a parallel Down).
func removeNetwork(ctx context.Context, cli *client.Client, name string) error {
	for attempt := 0; ; attempt++ {
		_, err := cli.NetworkRemove(ctx, name, client.NetworkRemoveOptions{})
		switch {
		case err == nil || errdefs.IsNotFound(err):
			return nil
		case attempt < 20 && strings.Contains(err.Error(), "active endpoints"):
			select {
			case <-ctx.Done():
				return fmt.Errorf("remove network %s: %w", name, ctx.Err())
			case <-time.After(50 * time.Millisecond):
			}
		default:
			return fmt.Errorf("remove network %s: %w", name, err)
		}
	}
}

func isRemovalInProgress(err error) bool {
	return strings.Contains(err.Error(), "already in progress")
}
