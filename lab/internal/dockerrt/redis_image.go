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
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/client"
)

// officialRedis is used when the engine already has it; nothing is pulled.
const officialRedis = "redis:7"

// redisBinary is where Debian's redis-server package installs the server.
const redisBinary = "/usr/bin/redis-server"

// redisImage is the image a Redis store runs and how its command is made.
type redisImage struct {
	Tag string
	// Entrypoint says whether the image's entrypoint is redis-server itself
	// (ours); the official image's entrypoint script needs it named.
	Entrypoint bool
}

// cmd is the container command for redis-server's args.
func (r redisImage) cmd(args []string) []string {
	if r.Entrypoint {
		return args
	}
	return append([]string{"redis-server"}, args...)
}

// ensureRedisImage returns redis:7 when the engine has it, otherwise an image
// built FROM scratch from the host's Debian redis-server and the shared
// libraries it links, tagged by their content.
func ensureRedisImage(ctx context.Context, cli *client.Client, logf func(string, ...any)) (redisImage, error) {
	if ok, err := imageExists(ctx, cli, officialRedis); err != nil {
		return redisImage{}, err
	} else if ok {
		logf("redis image: %s (the engine has it)", officialRedis)
		return redisImage{Tag: officialRedis}, nil
	}
	files, err := redisFiles(ctx, redisBinary)
	if err != nil {
		return redisImage{}, err
	}
	df := redisDockerfile(files)
	tag, err := redisTag(df, files)
	if err != nil {
		return redisImage{}, err
	}
	img := redisImage{Tag: tag, Entrypoint: true}
	if ok, err := imageExists(ctx, cli, tag); ok || err != nil {
		return img, err
	}
	unlock, err := lockBuild(ctx, tag)
	if err != nil {
		return redisImage{}, err
	}
	defer unlock()
	if ok, err := imageExists(ctx, cli, tag); ok || err != nil {
		return img, err
	}
	start := time.Now()
	if err := buildRedisImage(ctx, cli, tag, df, files); err != nil {
		return redisImage{}, err
	}
	logf("redis image: %s built from %s and %d libraries in %s (no %s on the engine)", tag, redisBinary, len(files)-1, time.Since(start).Round(time.Millisecond), officialRedis)
	return img, nil
}

// imageFile is one file of the image: where it goes and where it is read.
type imageFile struct{ Dest, Src string }

// lddLine matches "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)" and
// "/lib64/ld-linux-x86-64.so.2 (0x…)".
var lddLine = regexp.MustCompile(`(?:=>\s*)?(/\S+)\s+\(0x[0-9a-f]+\)`)

// redisFiles lists the server binary (first, installed as redis-server: the
// Debian file is a symlink to redis-check-rdb, which picks its mode by name)
// and every library ldd says it loads.
func redisFiles(ctx context.Context, bin string) ([]imageFile, error) {
	real, err := filepath.EvalSymlinks(bin)
	if err != nil {
		return nil, fmt.Errorf("redis image: %s not found on this host; install the Debian package: apt-get install redis-server (%w)", bin, err)
	}
	out, err := exec.CommandContext(ctx, "ldd", real).Output()
	if err != nil {
		return nil, fmt.Errorf("redis image: ldd %s: %w (is libc-bin installed?)", real, err)
	}
	files := []imageFile{{Dest: redisBinary, Src: real}}
	libs, err := parseLdd(string(out))
	if err != nil {
		return nil, fmt.Errorf("redis image: ldd %s: %w", real, err)
	}
	for _, lib := range libs {
		src, err := filepath.EvalSymlinks(lib)
		if err != nil {
			return nil, fmt.Errorf("redis image: library %s: %w", lib, err)
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
		return nil, errors.New("no libraries listed; a static binary would need none, but Debian's redis-server is dynamic")
	}
	slices.Sort(libs)
	return slices.Compact(libs), nil
}

// redisDockerfile copies the files in and looks up libraries where ldd
// found them.
func redisDockerfile(files []imageFile) []byte {
	var dirs []string
	for _, f := range files[1:] {
		dirs = append(dirs, path.Dir(f.Dest))
	}
	slices.Sort(dirs)
	return fmt.Appendf(nil, "FROM scratch\nCOPY rootfs/ /\nENV LD_LIBRARY_PATH=%s\nUSER 65534:65534\nENTRYPOINT [\"%s\"]\n",
		strings.Join(slices.Compact(dirs), ":"), redisBinary)
}

// redisTag is stickylab/redis:<first 12 hex digits of sha256(Dockerfile, files)>.
func redisTag(dockerfile []byte, files []imageFile) (string, error) {
	h := sha256.New()
	h.Write(dockerfile)
	for _, f := range files {
		fmt.Fprintf(h, "\x00%s\x00", f.Dest)
		r, err := os.Open(f.Src)
		if err != nil {
			return "", fmt.Errorf("redis image: %w", err)
		}
		_, err = io.Copy(h, r)
		r.Close()
		if err != nil {
			return "", fmt.Errorf("redis image: hash %s: %w", f.Src, err)
		}
	}
	return "stickylab/redis:" + hex.EncodeToString(h.Sum(nil))[:12], nil
}

func buildRedisImage(ctx context.Context, cli *client.Client, tag string, dockerfile []byte, files []imageFile) error {
	var buf bytes.Buffer
	if err := writeRedisContext(&buf, dockerfile, files); err != nil {
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

// writeRedisContext writes the Dockerfile and rootfs/<dest> for each file.
func writeRedisContext(w io.Writer, dockerfile []byte, files []imageFile) error {
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
