package dockerrt

import (
	"context"
	"fmt"
	"time"

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
	tag, err := contentTag("stickylab/redis", df, files)
	if err != nil {
		return redisImage{}, err
	}
	start := time.Now()
	if built, err := ensureContextImage(ctx, cli, tag, df, files); err != nil || !built {
		return redisImage{Tag: tag, Entrypoint: true}, err
	}
	logf("redis image: %s built from %s and %d libraries in %s (no %s on the engine)", tag, redisBinary, len(files)-1, time.Since(start).Round(time.Millisecond), officialRedis)
	return redisImage{Tag: tag, Entrypoint: true}, nil
}

// redisFiles lists the server binary (first, installed as redis-server: the
// Debian file is a symlink to redis-check-rdb, which picks its mode by name)
// and every library ldd says it loads.
func redisFiles(ctx context.Context, bin string) ([]imageFile, error) {
	return hostBinary{Image: "redis image", Package: "redis-server", Path: bin, Dest: redisBinary}.files(ctx)
}

// redisDockerfile copies the files in and looks up libraries where ldd
// found them.
func redisDockerfile(files []imageFile) []byte {
	return fmt.Appendf(nil, "FROM scratch\nCOPY rootfs/ /\nENV LD_LIBRARY_PATH=%s\nUSER 65534:65534\nENTRYPOINT [\"%s\"]\n",
		libraryPath(files), redisBinary)
}
