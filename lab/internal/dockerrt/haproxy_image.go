package dockerrt

import (
	"context"
	"fmt"
	"path"
	"time"

	"github.com/moby/moby/client"

	"github.com/stickylab/stickylab/internal/haproxy"
	"github.com/stickylab/stickylab/lab/internal/plan"
)

// haproxyBinary is where Debian's haproxy package installs HAProxy.
const haproxyBinary = "/usr/sbin/haproxy"

// ensureHAProxyImage returns the image of the HAProxy LBs: the lab's image
// (FROM scratch with /stickylab, which runs `stickylab haproxy`) plus the
// host's Debian haproxy and the shared libraries it links, tagged by
// content. The lab's image is on the engine already; nothing is pulled.
func ensureHAProxyImage(ctx context.Context, cli *client.Client, labImage string, logf func(string, ...any)) (string, error) {
	files, err := hostBinary{Image: "haproxy image", Package: haproxy.Package, Path: haproxyBinary, Dest: haproxyBinary}.files(ctx)
	if err != nil {
		return "", err
	}
	df := haproxyDockerfile(labImage, files)
	tag, err := contentTag("stickylab/haproxy", df, files)
	if err != nil {
		return "", err
	}
	start := time.Now()
	if built, err := ensureContextImage(ctx, cli, tag, df, files); err != nil || !built {
		return tag, err
	}
	logf("haproxy image: %s built from %s, %d libraries and %s in %s", tag, haproxyBinary, len(files)-1, labImage, time.Since(start).Round(time.Millisecond))
	return tag, nil
}

// haproxyDockerfile adds haproxy to the lab's image: stickylab finds it on
// PATH, and it finds its libraries where ldd found them.
func haproxyDockerfile(labImage string, files []imageFile) []byte {
	return fmt.Appendf(nil, "FROM %s\nCOPY rootfs/ /\nENV PATH=%s LD_LIBRARY_PATH=%s\n", labImage, path.Dir(haproxyBinary), libraryPath(files))
}

// haproxySpec turns a datacenter LB's fakecdn spec into `stickylab haproxy`
// in the HAProxy image: the same configuration file, haproxy's work files in
// the state directory (writable by the programs' user), and member names
// resolved at run time by the network's DNS.
func haproxySpec(s spec, n plan.Node, image string) spec {
	s.Image, s.Role = image, "haproxy"
	s.Cmd = append([]string{"--config", configPath, "--addr", fmt.Sprintf(":%d", plan.PortHTTP), "--admin-addr", fmt.Sprintf(":%d", plan.PortAdmin),
		"--run-dir", path.Dir(cdnStatePath), "--dns"}, adminHosts(n)...)
	return s
}
