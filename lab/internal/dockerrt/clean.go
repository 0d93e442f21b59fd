package dockerrt

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/client"
)

// Removed counts what a clean removed, and names the runs it left alone.
type Removed struct {
	Containers, Networks, Images int
	// Kept are the runs left in place because their owner process is alive
	// (or cannot be judged from here), sorted.
	Kept []string
}

// scope is what a clean may touch: the containers and networks matching
// resources, the images matching images. Tests narrow both to their own.
type scope struct{ resources, images client.Filters }

// everyRun is every stickylab container, network and image on the engine.
func everyRun() scope {
	return scope{resources: labelFilter(LabelRun, ""), images: labelFilter(LabelImage, "")}
}

// Clean removes the containers and networks of runs whose owner process is
// gone (stickylab.pid dead); labs of a live owner, such as another
// terminal's `stickylab up` or a parallel test process, stay. Images stay:
// they are the build cache live labs and the next run use.
func Clean(ctx context.Context) (Removed, error) {
	cli, err := dockerClient(ctx)
	if err != nil {
		return Removed{}, err
	}
	return clean(ctx, cli, everyRun(), false)
}

// CleanAll removes every stickylab container and network, of any run and
// any owner, live or not, and then the images stickylab built.
func CleanAll(ctx context.Context) (Removed, error) {
	cli, err := dockerClient(ctx)
	if err != nil {
		return Removed{}, err
	}
	return clean(ctx, cli, everyRun(), true)
}

func clean(ctx context.Context, cli *client.Client, s scope, all bool) (Removed, error) {
	unlock, err := lockSweep(ctx)
	if err != nil {
		return Removed{}, err
	}
	defer unlock()
	return cleanLocked(ctx, cli, s, all)
}

// cleanLocked is clean with the sweep lock held.
func cleanLocked(ctx context.Context, cli *client.Client, s scope, all bool) (Removed, error) {
	pick := ownerDead
	if all {
		pick = anyRun
	}
	r, err := removeMatching(ctx, cli, s.resources, pick)
	if err != nil || !all {
		return r, err
	}
	r.Images, err = removeImages(ctx, cli, s.images)
	return r, err
}

// Sweep removes the containers and networks of runs whose owner process
// (stickylab.pid) is dead: labs left by a killed test or CLI. Start calls it
// before every run.
func Sweep(ctx context.Context) error {
	cli, err := dockerClient(ctx)
	if err != nil {
		return err
	}
	unlock, err := lockSweep(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	_, err = removeMatching(ctx, cli, labelFilter(LabelPID, ""), ownerDead)
	return err
}

// removeRun removes one run's containers and networks.
func removeRun(ctx context.Context, cli *client.Client, runID string) error {
	_, err := removeMatching(ctx, cli, labelFilter(LabelRun, runID), anyRun)
	return err
}

func anyRun(map[string]string) bool { return true }

// removeMatching force-removes, all at once, the containers selected by f
// and pick, and the networks: each network as soon as the containers
// attached to it are gone (a network with endpoints cannot be removed), so
// that network teardown overlaps with the removal of other containers.
// It counts what it removed and names the runs pick left alone.
func removeMatching(ctx context.Context, cli *client.Client, f client.Filters, pick func(map[string]string) bool) (Removed, error) {
	cs, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		return Removed{}, fmt.Errorf("list containers: %w", err)
	}
	ns, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	if err != nil {
		return Removed{}, fmt.Errorf("list networks: %w", err)
	}
	var (
		wg               sync.WaitGroup
		mu               sync.Mutex
		errs             []error
		containers, nets atomic.Int32
		kept             = map[string]bool{}
		attached         = map[string][]chan struct{}{} // network name → its containers' removals
	)
	fail := func(err error) {
		mu.Lock()
		errs = append(errs, err)
		mu.Unlock()
	}
	for _, c := range cs.Items {
		if !pick(c.Labels) {
			kept[c.Labels[LabelRun]] = true
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
			switch {
			case err == nil:
				containers.Add(1)
			case !errdefs.IsNotFound(err) && !isRemovalInProgress(err):
				fail(fmt.Errorf("remove container %.12s: %w", c.ID, err))
			}
		})
	}
	for _, n := range ns.Items {
		if !pick(n.Labels) {
			kept[n.Labels[LabelRun]] = true
			continue
		}
		wg.Go(func() {
			for _, done := range attached[n.Name] {
				<-done
			}
			removed, err := removeNetwork(ctx, cli, n.Name)
			if err != nil {
				fail(err)
			}
			if removed {
				nets.Add(1)
			}
		})
	}
	wg.Wait()
	sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
	r := Removed{Containers: int(containers.Load()), Networks: int(nets.Load())}
	for run := range kept {
		if run != "" {
			r.Kept = append(r.Kept, run)
		}
	}
	slices.Sort(r.Kept)
	return r, errors.Join(errs...)
}

// endpointGrace bounds how long removeNetwork waits for the engine to
// release the endpoints of containers it has just removed. A hang guard,
// not a speed claim: a busy fuse-overlayfs engine tearing several labs down
// at once took over a second.
const endpointGrace = 30 * time.Second

// removeNetwork retries while the engine still releases endpoints of
// containers removed an instant ago (or being removed by a parallel Down),
// for up to endpointGrace, backing off from 50 ms to 500 ms. It reports
// whether this call removed the network.
func removeNetwork(ctx context.Context, cli *client.Client, name string) (bool, error) {
	deadline := time.Now().Add(endpointGrace)
	for pause := 50 * time.Millisecond; ; pause = min(2*pause, 500*time.Millisecond) {
		_, err := cli.NetworkRemove(ctx, name, client.NetworkRemoveOptions{})
		switch {
		case err == nil:
			return true, nil
		case errdefs.IsNotFound(err):
			return false, nil
		case strings.Contains(err.Error(), "active endpoints"):
			if time.Now().After(deadline) {
				return false, fmt.Errorf("remove network %s: %w (%s after its containers were removed: "+
					"the engine keeps a stale endpoint, which only restarting it frees; moby/moby#42119)", name, err, endpointGrace)
			}
			select {
			case <-ctx.Done():
				return false, fmt.Errorf("remove network %s: %w", name, ctx.Err())
			case <-time.After(pause):
			}
		default:
			return false, fmt.Errorf("remove network %s: %w", name, err)
		}
	}
}

// removeImages removes the images matching f, tag by tag (an image with
// several tags cannot be removed by id without force). An image a container
// still uses is kept. It returns how many images are gone.
func removeImages(ctx context.Context, cli *client.Client, f client.Filters) (int, error) {
	list, err := cli.ImageList(ctx, client.ImageListOptions{Filters: f})
	if err != nil {
		return 0, fmt.Errorf("list images: %w", err)
	}
	n := 0
	var errs []error
	for _, img := range list.Items {
		refs := slices.DeleteFunc(slices.Clone(img.RepoTags), func(t string) bool { return t == "<none>:<none>" })
		if len(refs) == 0 {
			refs = []string{img.ID}
		}
		for _, ref := range refs {
			res, err := cli.ImageRemove(ctx, ref, client.ImageRemoveOptions{PruneChildren: true})
			if err != nil {
				if !errdefs.IsNotFound(err) && !errdefs.IsConflict(err) {
					errs = append(errs, fmt.Errorf("remove image %s: %w", ref, err))
				}
				break
			}
			if slices.ContainsFunc(res.Items, func(d image.DeleteResponse) bool { return d.Deleted == img.ID }) {
				n++
			}
		}
	}
	return n, errors.Join(errs...)
}

func isRemovalInProgress(err error) bool {
	return strings.Contains(err.Error(), "already in progress")
}
