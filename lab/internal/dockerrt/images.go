package dockerrt

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/client"
	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/singleflight"
)

const modulePath = "github.com/stickylab/stickylab"

// binDirEnv names a directory holding prebuilt static fakeapp and fakecdn
// binaries; when set, the lab does not compile them.
const binDirEnv = "STICKYLAB_BIN_DIR"

// programs are the two binaries images are built from, in image order.
var programs = []string{"fakeapp", "fakecdn"}

// images are the tags a run starts its containers from.
type images struct{ App, CDN string }

// source says where binaries and Dockerfiles come from.
type source struct {
	Root   string // module root, "" when unknown
	BinDir string // prebuilt binaries, "" to compile
}

var (
	imageFlight singleflight.Group
	imageCache  sync.Map // source → images, verified against the engine at every Start
)

// ensureImages returns the images of this source, compiling the binaries and
// building the images at most once per process, and not at all when the
// engine already has the tags.
func ensureImages(ctx context.Context, cli *client.Client, logf func(string, ...any)) (images, error) {
	src, err := locateSource()
	if err != nil {
		return images{}, err
	}
	if v, ok := imageCache.Load(src); ok && haveImages(ctx, cli, v.(images)) {
		return v.(images), nil
	}
	v, err, _ := imageFlight.Do(src.Root+"\x00"+src.BinDir, func() (any, error) {
		imgs, err := buildImages(ctx, cli, src, logf)
		if err == nil {
			imageCache.Store(src, imgs)
		}
		return imgs, err
	})
	if err != nil {
		return images{}, err
	}
	return v.(images), nil
}

func haveImages(ctx context.Context, cli *client.Client, imgs images) bool {
	for _, tag := range []string{imgs.App, imgs.CDN} {
		if ok, _ := imageExists(ctx, cli, tag); !ok {
			return false
		}
	}
	return true
}

func imageExists(ctx context.Context, cli *client.Client, tag string) (bool, error) {
	_, err := cli.ImageInspect(ctx, tag)
	switch {
	case err == nil:
		return true, nil
	case errdefs.IsNotFound(err):
		return false, nil
	default:
		return false, fmt.Errorf("inspect image %s: %w", tag, err)
	}
}

func buildImages(ctx context.Context, cli *client.Client, src source, logf func(string, ...any)) (images, error) {
	dir := src.BinDir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "stickylab-bin-")
		if err != nil {
			return images{}, err
		}
		defer os.RemoveAll(tmp)
		start := time.Now()
		if err := compile(ctx, src.Root, tmp); err != nil {
			return images{}, err
		}
		logf("compiled fakeapp and fakecdn in %s", time.Since(start).Round(time.Millisecond))
		dir = tmp
	}
	tags := make([]string, len(programs))
	g, gctx := errgroup.WithContext(ctx)
	for i, prog := range programs {
		g.Go(func() error {
			tag, err := ensureImage(gctx, cli, src.Root, prog, filepath.Join(dir, prog), logf)
			tags[i] = tag
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return images{}, err
	}
	return images{App: tags[0], CDN: tags[1]}, nil
}

// ensureImage builds stickylab/<prog>:<hash> unless the engine has it.
func ensureImage(ctx context.Context, cli *client.Client, root, prog, bin string, logf func(string, ...any)) (string, error) {
	df, err := dockerfile(root, prog)
	if err != nil {
		return "", err
	}
	f, err := os.Open(bin)
	if err != nil {
		return "", fmt.Errorf("image %s: %w", prog, err)
	}
	defer f.Close()
	tag, err := imageTag(prog, df, f)
	if err != nil {
		return "", err
	}
	if ok, err := imageExists(ctx, cli, tag); ok || err != nil {
		return tag, err
	}
	unlock, err := lockBuild(ctx, tag)
	if err != nil {
		return "", err
	}
	defer unlock()
	if ok, err := imageExists(ctx, cli, tag); ok || err != nil {
		return tag, err // built meanwhile by another process
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	info, err := f.Stat()
	if err != nil {
		return "", err
	}
	start := time.Now()
	if err := buildImage(ctx, cli, tag, prog, df, f, info.Size()); err != nil {
		return "", err
	}
	logf("image %s built in %s", tag, time.Since(start).Round(time.Millisecond))
	return tag, nil
}

// imageTag is stickylab/<prog>:<first 12 hex digits of sha256(Dockerfile, binary)>.
func imageTag(prog string, dockerfile []byte, bin io.Reader) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%d\x00", prog, len(dockerfile))
	h.Write(dockerfile)
	if _, err := io.Copy(h, bin); err != nil {
		return "", fmt.Errorf("hash %s: %w", prog, err)
	}
	return "stickylab/" + prog + ":" + hex.EncodeToString(h.Sum(nil))[:12], nil
}

// buildImage sends a context of the Dockerfile and the binary to the legacy
// builder (API 1.41, no BuildKit); FROM scratch needs nothing pulled.
func buildImage(ctx context.Context, cli *client.Client, tag, prog string, dockerfile []byte, bin io.Reader, size int64) error {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeContext(pw, dockerfile, prog, bin, size)) }()
	defer pr.Close()
	res, err := cli.ImageBuild(ctx, pr, client.ImageBuildOptions{
		Tags:        []string{tag},
		Dockerfile:  "Dockerfile",
		Remove:      true,
		ForceRemove: true,
		PullParent:  false,
		Labels:      map[string]string{LabelImage: "true"},
		Version:     build.BuilderV1,
	})
	if err != nil {
		return fmt.Errorf("build image %s: %w", tag, err)
	}
	defer res.Body.Close()
	id, err := buildOutcome(res.Body)
	if err != nil {
		return fmt.Errorf("build image %s: %w", tag, err)
	}
	// Where lockBuild cannot lock, another process may have tagged the same
	// content after us; drop our untagged twin rather than leave it dangling.
	if got, err := cli.ImageInspect(ctx, tag); err == nil && id != "" && got.ID != id {
		_, _ = cli.ImageRemove(ctx, id, client.ImageRemoveOptions{PruneChildren: true})
	}
	return nil
}

// buildOutcome reads the builder's JSON message stream to its end and
// returns the image id, or the error it reports with the last output lines
// for context.
func buildOutcome(r io.Reader) (string, error) {
	dec := json.NewDecoder(r)
	var tail []string
	var id string
	for {
		var m struct {
			Stream      string `json:"stream"`
			Error       string `json:"error"`
			ErrorDetail struct {
				Message string `json:"message"`
			} `json:"errorDetail"`
			Aux struct {
				ID string `json:"ID"`
			} `json:"aux"`
		}
		if err := dec.Decode(&m); errors.Is(err, io.EOF) {
			return id, nil
		} else if err != nil {
			return "", fmt.Errorf("read build output: %w", err)
		}
		if m.Aux.ID != "" {
			id = m.Aux.ID
		}
		if s := strings.TrimSpace(m.Stream); s != "" {
			tail = append(tail, s)
			if len(tail) > 5 {
				tail = tail[1:]
			}
		}
		if msg := m.ErrorDetail.Message + m.Error; msg != "" {
			if m.ErrorDetail.Message != "" {
				msg = m.ErrorDetail.Message
			}
			return "", fmt.Errorf("%s (after: %s)", msg, strings.Join(tail, " | "))
		}
	}
}

// writeContext writes the build context: the Dockerfile and the binary,
// named after the program as the Dockerfile's COPY expects.
func writeContext(w io.Writer, dockerfile []byte, prog string, bin io.Reader, size int64) error {
	tw := tar.NewWriter(w)
	mtime := time.Unix(0, 0) // a stable context
	if err := tw.WriteHeader(&tar.Header{Name: "Dockerfile", Mode: 0o644, Size: int64(len(dockerfile)), ModTime: mtime}); err != nil {
		return err
	}
	if _, err := tw.Write(dockerfile); err != nil {
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Name: prog, Mode: 0o755, Size: size, ModTime: mtime}); err != nil {
		return err
	}
	if _, err := io.CopyN(tw, bin, size); err != nil {
		return fmt.Errorf("tar %s: %w", prog, err)
	}
	return tw.Close()
}

// fallbackDockerfile is used with STICKYLAB_BIN_DIR when no module source is
// at hand; it matches docker/<prog>.Dockerfile.
func fallbackDockerfile(prog string) []byte {
	return fmt.Appendf(nil, "FROM scratch\nCOPY %[1]s /%[1]s\nUSER 65534:65534\nENTRYPOINT [\"/%[1]s\"]\n", prog)
}

func dockerfile(root, prog string) ([]byte, error) {
	if root == "" {
		return fallbackDockerfile(prog), nil
	}
	b, err := os.ReadFile(filepath.Join(root, "docker", prog+".Dockerfile"))
	if err != nil {
		return nil, fmt.Errorf("image %s: %w", prog, err)
	}
	return b, nil
}

// compile builds both static binaries into dir with one go command, which
// compiles them in parallel.
func compile(ctx context.Context, root, dir string) error {
	args := []string{"build", "-trimpath", "-buildvcs=false", "-o", dir + string(filepath.Separator)}
	for _, prog := range programs {
		args = append(args, modulePath+"/cmd/"+prog)
	}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("compile fakeapp and fakecdn in %s (set %s to use prebuilt binaries): %w\n%s", root, binDirEnv, err, out.Bytes())
	}
	return nil
}

// locateSource finds the binaries' source: STICKYLAB_BIN_DIR, else the
// module root, from the go command in the current directory or from this
// file's own path.
func locateSource() (source, error) {
	root := rootOnce()
	if dir := os.Getenv(binDirEnv); dir != "" {
		for _, prog := range programs {
			if _, err := os.Stat(filepath.Join(dir, prog)); err != nil {
				return source{}, fmt.Errorf("%s=%s: %w", binDirEnv, dir, err)
			}
		}
		return source{Root: root, BinDir: dir}, nil
	}
	if root == "" {
		return source{}, fmt.Errorf("cannot find the %s module source to compile fakeapp and fakecdn; run from inside it or set %s", modulePath, binDirEnv)
	}
	return source{Root: root}, nil
}

var rootOnce = sync.OnceValue(func() string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "list", "-m", "-f", "{{.Dir}}", modulePath).Output()
	if dir := strings.TrimSpace(string(out)); err == nil && isModuleRoot(dir) {
		return dir
	}
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return ""
	}
	for dir := filepath.Dir(file); ; dir = filepath.Dir(dir) {
		if isModuleRoot(dir) {
			return dir
		}
		if parent := filepath.Dir(dir); parent == dir {
			return ""
		}
	}
})

func isModuleRoot(dir string) bool {
	if dir == "" || !filepath.IsAbs(dir) {
		return false
	}
	b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`) == modulePath
		}
	}
	return false
}
