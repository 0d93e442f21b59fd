package dockerrt

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/client"
)

// Images made of a host's Debian binary and the shared libraries it links
// (the Redis store, the HAProxy LB): no image is pulled, nothing is
// compiled, and the tag names the content.

// hostBinary is a Debian program copied into an image.
type hostBinary struct {
	Image   string // "redis image": what the errors are about
	Package string // the Debian package that installs Path
	Path    string // on the host
	Dest    string // in the image
}

// imageFile is one file of the image: where it goes and where it is read.
type imageFile struct{ Dest, Src string }

// lddLine matches "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)" and
// "/lib64/ld-linux-x86-64.so.2 (0x…)".
var lddLine = regexp.MustCompile(`(?:=>\s*)?(/\S+)\s+\(0x[0-9a-f]+\)`)

// files lists the binary (first, at Dest, its symlinks resolved) and every
// library ldd says it loads.
func (h hostBinary) files(ctx context.Context) ([]imageFile, error) {
	real, err := filepath.EvalSymlinks(h.Path)
	if err != nil {
		return nil, fmt.Errorf("%s: %s not found on this host; install the Debian package: apt-get install %s (%w)", h.Image, h.Path, h.Package, err)
	}
	out, err := exec.CommandContext(ctx, "ldd", real).Output()
	if err != nil {
		return nil, fmt.Errorf("%s: ldd %s: %w (is libc-bin installed?)", h.Image, real, err)
	}
	files := []imageFile{{Dest: h.Dest, Src: real}}
	libs, err := parseLdd(string(out))
	if err != nil {
		return nil, fmt.Errorf("%s: ldd %s: %w", h.Image, real, err)
	}
	for _, lib := range libs {
		src, err := filepath.EvalSymlinks(lib)
		if err != nil {
			return nil, fmt.Errorf("%s: library %s: %w", h.Image, lib, err)
		}
		files = append(files, imageFile{Dest: lib, Src: src})
	}
	return files, nil
}

// parseLdd returns the absolute library paths of ldd's output, sorted.
func parseLdd(out string) ([]string, error) {
	var libs []string
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "not found") {
			return nil, fmt.Errorf("a library is missing: %s", strings.TrimSpace(line))
		}
		if m := lddLine.FindStringSubmatch(line); m != nil {
			libs = append(libs, m[1])
		}
	}
	if len(libs) == 0 {
		return nil, errors.New("no libraries listed; a static binary would need none, but Debian's binaries are dynamic")
	}
	slices.Sort(libs)
	return slices.Compact(libs), nil
}

// libraryPath is LD_LIBRARY_PATH for the libraries among files (all but
// the first, the binary): the directories ldd found them in.
func libraryPath(files []imageFile) string {
	var dirs []string
	for _, f := range files[1:] {
		dirs = append(dirs, filepath.Dir(f.Dest))
	}
	slices.Sort(dirs)
	return strings.Join(slices.Compact(dirs), ":")
}

// contentTag is repo:<first 12 hex digits of sha256(Dockerfile, files)>.
func contentTag(repo string, dockerfile []byte, files []imageFile) (string, error) {
	h := sha256.New()
	h.Write(dockerfile)
	for _, f := range files {
		fmt.Fprintf(h, "\x00%s\x00", f.Dest)
		r, err := os.Open(f.Src)
		if err != nil {
			return "", fmt.Errorf("%s image: %w", repo, err)
		}
		_, err = io.Copy(h, r)
		r.Close()
		if err != nil {
			return "", fmt.Errorf("%s image: hash %s: %w", repo, f.Src, err)
		}
	}
	return repo + ":" + hex.EncodeToString(h.Sum(nil))[:12], nil
}

// ensureContextImage builds tag from the Dockerfile and files unless the
// engine has it; a lock file makes parallel processes build it once. It
// reports whether it built.
func ensureContextImage(ctx context.Context, cli *client.Client, tag string, dockerfile []byte, files []imageFile) (bool, error) {
	if ok, err := imageExists(ctx, cli, tag); ok || err != nil {
		return false, err
	}
	unlock, err := lockBuild(ctx, tag)
	if err != nil {
		return false, err
	}
	defer unlock()
	if ok, err := imageExists(ctx, cli, tag); ok || err != nil {
		return false, err // built meanwhile by another process
	}
	return true, buildContextImage(ctx, cli, tag, dockerfile, files)
}

func buildContextImage(ctx context.Context, cli *client.Client, tag string, dockerfile []byte, files []imageFile) error {
	var buf bytes.Buffer
	if err := writeBuildContext(&buf, dockerfile, files); err != nil {
		return fmt.Errorf("build image %s: %w", tag, err)
	}
	res, err := cli.ImageBuild(ctx, &buf, client.ImageBuildOptions{
		Tags: []string{tag}, Dockerfile: "Dockerfile", Remove: true, ForceRemove: true,
		Labels: map[string]string{LabelImage: "true"}, Version: build.BuilderV1,
	})
	if err != nil {
		return fmt.Errorf("build image %s: %w", tag, err)
	}
	defer res.Body.Close()
	if err := engineOutcome(res.Body); err != nil {
		return fmt.Errorf("build image %s: %w", tag, err)
	}
	return nil
}

// writeBuildContext writes the Dockerfile and rootfs/<dest> for each file.
func writeBuildContext(w io.Writer, dockerfile []byte, files []imageFile) error {
	tw := tar.NewWriter(w)
	mtime := time.Unix(0, 0)
	if err := tw.WriteHeader(&tar.Header{Name: "Dockerfile", Mode: 0o644, Size: int64(len(dockerfile)), ModTime: mtime}); err != nil {
		return err
	}
	if _, err := tw.Write(dockerfile); err != nil {
		return err
	}
	for _, f := range files {
		b, err := os.ReadFile(f.Src)
		if err != nil {
			return err
		}
		hdr := &tar.Header{Name: "rootfs" + f.Dest, Mode: 0o755, Size: int64(len(b)), ModTime: mtime}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if _, err := tw.Write(b); err != nil {
			return err
		}
	}
	return tw.Close()
}
