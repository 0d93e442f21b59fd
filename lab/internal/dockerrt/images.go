package dockerrt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/client"
	"golang.org/x/sync/singleflight"
)

var (
	imageFlight singleflight.Group
	imageCache  sync.Map // binDirEnv value → tag, verified against the engine at every Start
)

// ensureImage returns the tag of the lab's image, stickylab/lab:<hash>,
// loading it into the engine at most once per process, and not at all when
// the engine already has the tag. Every container runs it: the entrypoint
// is /stickylab, the command names the role (fakeapp or fakecdn).
func ensureImage(ctx context.Context, cli *client.Client, logf func(string, ...any)) (string, error) {
	key := os.Getenv(binDirEnv)
	if v, ok := imageCache.Load(key); ok {
		if ok, _ := imageExists(ctx, cli, v.(string)); ok {
			return v.(string), nil
		}
	}
	v, err, _ := imageFlight.Do(key, func() (any, error) {
		bin, cleanup, err := locateBinary(ctx, logf)
		defer cleanup()
		if err != nil {
			return "", err
		}
		tag, err := ensureImageOf(ctx, cli, bin, logf)
		if err == nil {
			imageCache.Store(key, tag)
		}
		return tag, err
	})
	if err != nil {
		return "", err
	}
	return v.(string), nil
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

// ensureImageOf hashes bin into its tag and loads the image unless the
// engine has it. A lock file makes parallel processes (ginkgo -p) load a tag
// once: the others wait and find it.
func ensureImageOf(ctx context.Context, cli *client.Client, bin labBinary, logf func(string, ...any)) (string, error) {
	f, err := os.Open(bin.Path)
	if err != nil {
		return "", fmt.Errorf("lab image: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("lab image: %w", err)
	}
	l, err := measureLayer(f, info.Size())
	if err != nil {
		return "", fmt.Errorf("lab image from %s: %w", bin.Path, err)
	}
	config, tag, err := newImageConfig(bin.Arch, l)
	if err != nil {
		return "", fmt.Errorf("lab image from %s: %w", bin.Path, err)
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
		return tag, err // loaded meanwhile by another process
	}
	if err := checkPlatform(ctx, cli, bin); err != nil {
		return "", err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	start := time.Now()
	if err := loadImage(ctx, cli, tag, config, l, f, info.Size()); err != nil {
		return "", fmt.Errorf("%w (from %s)", err, bin.Path)
	}
	logf("image %s built in %s", tag, time.Since(start).Round(time.Millisecond))
	return tag, nil
}

// checkPlatform refuses, before loading, a binary the engine cannot run:
// its containers would start and die with "exec format error".
func checkPlatform(ctx context.Context, cli *client.Client, bin labBinary) error {
	v, err := cli.ServerVersion(ctx, client.ServerVersionOptions{})
	if err != nil {
		return fmt.Errorf("ask the engine its platform: %w", err)
	}
	if (v.Os != "" && v.Os != "linux") || (v.Arch != "" && v.Arch != bin.Arch) {
		return fmt.Errorf("%s is a linux/%s binary but the engine runs %s/%s containers: build it with CGO_ENABLED=0 GOOS=linux GOARCH=%s go build -o DIR/ %s and set %s=DIR",
			bin.Path, bin.Arch, v.Os, v.Arch, v.Arch, mainPackage, binDirEnv)
	}
	return nil
}

// loadImage streams the image archive to the engine and checks that the
// engine has the tag afterwards.
func loadImage(ctx context.Context, cli *client.Client, tag string, config []byte, l layer, bin io.Reader, size int64) error {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeArchive(pw, tag, config, l, bin, size)) }()
	defer pr.Close()
	res, err := cli.ImageLoad(ctx, pr, client.ImageLoadWithQuiet(true))
	if err != nil {
		return fmt.Errorf("the engine refused to load image %s: %w", tag, err)
	}
	defer res.Close()
	if err := engineOutcome(res); err != nil {
		return fmt.Errorf("the engine refused to load image %s: %w", tag, err)
	}
	if ok, err := imageExists(ctx, cli, tag); err != nil || !ok {
		return fmt.Errorf("the engine loaded image %s but does not list it (%v)", tag, err)
	}
	return nil
}

// engineOutcome reads the engine's JSON message stream to its end and
// returns the error it reports, with the last output lines for context.
func engineOutcome(r io.Reader) error {
	dec := json.NewDecoder(r)
	var tail []string
	for {
		var m struct {
			Stream      string `json:"stream"`
			Error       string `json:"error"`
			ErrorDetail struct {
				Message string `json:"message"`
			} `json:"errorDetail"`
		}
		if err := dec.Decode(&m); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return fmt.Errorf("read the engine's answer: %w", err)
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
			if len(tail) == 0 {
				return errors.New(msg)
			}
			return fmt.Errorf("%s (after: %s)", msg, strings.Join(tail, " | "))
		}
	}
}
