package dockerrt

import (
	"archive/tar"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// testLabel marks what a clean test creates. Other labs run on the shared
// engine: the tests clean only within testScope, never the whole engine.
const testLabel = "stickylab.test"

// testScope is every stickylab resource labelled with this test's id.
func testScope(id string) scope {
	return scope{
		resources: labelFilter(LabelRun, "").Add("label", testLabel+"="+id),
		images:    labelFilter(LabelImage, "").Add("label", testLabel+"="+id),
	}
}

// TestCleanKeepsLiveLabsAndRemovesThoseOfDeadOwners: a lab owned by this
// live process survives clean; a lab labelled with a dead pid goes, and the
// counts say so. Images stay.
func TestCleanKeepsLiveLabsAndRemovesThoseOfDeadOwners(t *testing.T) {
	cli := requireDocker(t)
	id, live, dead, image := labsOfTwoOwners(t, cli)

	r, err := cleanLocked(t.Context(), cli, testScope(id), false)
	if err != nil {
		t.Fatal(err)
	}
	if r.Containers != 1 || r.Networks != 1 || r.Images != 0 || !slices.Equal(r.Kept, []string{live}) {
		t.Errorf("removed %d containers, %d networks, %d images, kept %v; want 1, 1, 0, [%s]", r.Containers, r.Networks, r.Images, r.Kept, live)
	}
	if left := leftovers(t, cli, live); len(left) != 2 {
		t.Errorf("clean removed the live lab: left %v of its container and network", left)
	}
	if left := leftovers(t, cli, dead); len(left) > 0 {
		t.Errorf("clean left the dead owner's %v", left)
	}
	if !haveImage(t, cli, image) {
		t.Errorf("clean removed the image %s: images are a build cache", image)
	}
}

// TestCleanAllRemovesLiveLabsAndImages: --all removes both labs and the
// image, and counts them. Only this test's resources are in its scope.
func TestCleanAllRemovesLiveLabsAndImages(t *testing.T) {
	cli := requireDocker(t)
	id, live, dead, image := labsOfTwoOwners(t, cli)

	r, err := cleanLocked(t.Context(), cli, testScope(id), true)
	if err != nil {
		t.Fatal(err)
	}
	if r.Containers != 2 || r.Networks != 2 || r.Images != 1 || len(r.Kept) > 0 {
		t.Errorf("removed %d containers, %d networks, %d images, kept %v; want 2, 2, 1, none", r.Containers, r.Networks, r.Images, r.Kept)
	}
	for _, run := range []string{live, dead} {
		if left := leftovers(t, cli, run); len(left) > 0 {
			t.Errorf("clean --all left %v", left)
		}
	}
	if haveImage(t, cli, image) {
		t.Errorf("clean --all left the image %s", image)
	}
}

// labsOfTwoOwners builds a tiny image and creates two runs from it, each a
// network and a container on it: one owned by this live process, one by a
// process that has exited. Everything carries testLabel=id. It holds the
// sweep lock until the test ends, so that another process's Start (go test
// runs packages side by side) cannot sweep the dead run first: the test
// calls cleanLocked.
func labsOfTwoOwners(t *testing.T, cli *client.Client) (id, live, dead, image string) {
	t.Helper()
	id = fmt.Sprintf("cleantest-%d-%d", os.Getpid(), time.Now().UnixNano())
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_, _ = clean(ctx, cli, testScope(id), true)
	})
	unlock, err := lockSweep(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(unlock) // runs before the clean above, which takes the lock again
	image = buildTestImage(t, cli, id)
	live, dead = id+"-live", id+"-dead"
	createRun(t, cli, image, live, runLabels(live))
	labels := runLabels(dead)
	labels[LabelPID], labels[LabelStart] = strconv.Itoa(exitedPID(t)), ""
	createRun(t, cli, image, dead, labels)
	for _, run := range []string{live, dead} {
		if left := leftovers(t, cli, run); len(left) != 2 {
			t.Fatalf("run %s: want a container and a network, got %v", run, left)
		}
	}
	return id, live, dead, image
}

// exitedPID is the pid of a process that has exited.
func exitedPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// createRun creates (does not start) a container on a network, both
// labelled with labels and the test's id.
func createRun(t *testing.T, cli *client.Client, image, run string, labels map[string]string) {
	t.Helper()
	labels[testLabel] = strings.TrimSuffix(strings.TrimSuffix(run, "-live"), "-dead")
	net := networkName(run, "net")
	if _, err := cli.NetworkCreate(t.Context(), net, client.NetworkCreateOptions{Driver: "bridge", Labels: labels}); err != nil {
		t.Fatalf("create network %s: %v", net, err)
	}
	_, err := cli.ContainerCreate(t.Context(), client.ContainerCreateOptions{
		Name:       containerName(run, "c"),
		Config:     &container.Config{Image: image, Cmd: []string{"/x"}, Labels: labels},
		HostConfig: &container.HostConfig{NetworkMode: container.NetworkMode(net)},
	})
	if err != nil {
		t.Fatalf("create container of run %s: %v", run, err)
	}
}

// buildTestImage builds FROM scratch an image holding one byte, labelled as
// stickylab's and with the test's id.
func buildTestImage(t *testing.T, cli *client.Client, id string) string {
	t.Helper()
	tag := "stickylab-cleantest:" + id
	pr, pw := io.Pipe()
	go func() {
		tw := tar.NewWriter(pw)
		for _, f := range []struct{ name, body string }{{"Dockerfile", "FROM scratch\nCOPY x /x\n"}, {"x", "x"}} {
			if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o755, Size: int64(len(f.body))}); err != nil {
				pw.CloseWithError(err)
				return
			}
			_, _ = tw.Write([]byte(f.body))
		}
		pw.CloseWithError(tw.Close())
	}()
	defer pr.Close()
	res, err := cli.ImageBuild(t.Context(), pr, client.ImageBuildOptions{Tags: []string{tag}, Dockerfile: "Dockerfile",
		Remove: true, ForceRemove: true, Labels: map[string]string{LabelImage: "true", testLabel: id}, Version: build.BuilderV1})
	if err != nil {
		t.Fatalf("build %s: %v", tag, err)
	}
	defer res.Body.Close()
	if err := engineOutcome(res.Body); err != nil {
		t.Fatalf("build %s: %v", tag, err)
	}
	return tag
}

func haveImage(t *testing.T, cli *client.Client, tag string) bool {
	t.Helper()
	ok, err := imageExists(t.Context(), cli, tag)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}
