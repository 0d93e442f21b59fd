package dockerrt

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// The image is what docker/stickylab.Dockerfile describes, made here rather
// than by the engine's builder: one layer holding /stickylab, the
// configuration below, loaded with the image-load API. Nothing is pulled or
// compiled, and the engine commits no intermediate containers (the builder
// spent about 3 s a step on fuse-overlayfs).
const (
	binaryName = "stickylab"
	imageRepo  = "stickylab/lab"
	imageUser  = "65534:65534"
)

// exposedPorts are those of docker/stickylab.Dockerfile: app and LB traffic,
// admin, TLS edge.
var exposedPorts = []string{"8080/tcp", "8081/tcp", "8443/tcp"}

// epoch is every timestamp in the image, so that the same binary makes the
// same image id on every machine.
var epoch = time.Unix(0, 0).UTC()

// imageConfig is the image's configuration (the JSON `docker inspect`
// derives from), with the layer's uncompressed digest.
type imageConfig struct {
	Architecture string         `json:"architecture"`
	OS           string         `json:"os"`
	Created      time.Time      `json:"created"`
	Config       containerSetup `json:"config"`
	RootFS       struct {
		Type    string   `json:"type"`
		DiffIDs []string `json:"diff_ids"`
	} `json:"rootfs"`
	History []struct {
		Created   time.Time `json:"created"`
		CreatedBy string    `json:"created_by"`
	} `json:"history"`
}

type containerSetup struct {
	User         string              `json:"User"`
	ExposedPorts map[string]struct{} `json:"ExposedPorts"`
	Entrypoint   []string            `json:"Entrypoint"`
	Labels       map[string]string   `json:"Labels"`
}

// layer is the image's only layer: the binary's digest and size as a tar.
type layer struct {
	DiffID string // sha256:<hex> of the uncompressed tar
	Size   int64
}

// newImageConfig returns the configuration's JSON and the image's tag,
// stickylab/lab:<first 12 hex digits of the image id>: the same binary
// gives the same tag, a changed one a new tag.
func newImageConfig(arch string, l layer) (config []byte, tag string, err error) {
	c := imageConfig{Architecture: arch, OS: "linux", Created: epoch}
	c.Config = containerSetup{
		User:         imageUser,
		ExposedPorts: map[string]struct{}{},
		Entrypoint:   []string{"/" + binaryName},
		Labels:       map[string]string{LabelImage: "true"},
	}
	for _, p := range exposedPorts {
		c.Config.ExposedPorts[p] = struct{}{}
	}
	c.RootFS.Type, c.RootFS.DiffIDs = "layers", []string{l.DiffID}
	c.History = append(c.History, struct {
		Created   time.Time `json:"created"`
		CreatedBy string    `json:"created_by"`
	}{epoch, "stickylab: COPY " + binaryName + " /" + binaryName})
	config, err = json.Marshal(c) // maps marshal sorted: the bytes are stable
	if err != nil {
		return nil, "", err
	}
	return config, imageRepo + ":" + digestHex(config)[:12], nil
}

func digestHex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// stateDirs are the directories the layer holds besides the binary: the
// last two, owned by the user the programs run as, are where fakecdn and
// fakeapp keep their --state-file, which a stopped container keeps in its
// writable layer.
var stateDirs = []struct {
	name string
	uid  int
}{{"var/", 0}, {"var/lib/", 0}, {"var/lib/fakecdn/", 65534}, {"var/lib/fakeapp/", 65534}}

// writeLayer writes the layer tar: the binary as /stickylab, mode 0755,
// owned by root, and stateDirs, at the epoch.
func writeLayer(w io.Writer, bin io.Reader, size int64) error {
	tw := tar.NewWriter(w)
	for _, d := range stateDirs {
		dh := &tar.Header{Name: d.name, Mode: 0o755, Uid: d.uid, Gid: d.uid, ModTime: epoch, Typeflag: tar.TypeDir, Format: tar.FormatUSTAR}
		if err := tw.WriteHeader(dh); err != nil {
			return err
		}
	}
	h := &tar.Header{Name: binaryName, Mode: 0o755, Size: size, ModTime: epoch, Typeflag: tar.TypeReg, Format: tar.FormatUSTAR}
	if err := tw.WriteHeader(h); err != nil {
		return err
	}
	if _, err := io.CopyN(tw, bin, size); err != nil {
		return fmt.Errorf("read the binary: %w", err)
	}
	return tw.Close()
}

// measureLayer hashes the layer tar of bin without keeping it.
func measureLayer(bin io.Reader, size int64) (layer, error) {
	h := sha256.New()
	cw := &countingWriter{w: h}
	if err := writeLayer(cw, bin, size); err != nil {
		return layer{}, err
	}
	return layer{DiffID: "sha256:" + hex.EncodeToString(h.Sum(nil)), Size: cw.n}, nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// writeArchive writes the image in the `docker save` format the
// image-load API reads: the layer, the configuration, manifest.json.
func writeArchive(w io.Writer, tag string, config []byte, l layer, bin io.Reader, size int64) error {
	layerName := l.DiffID[len("sha256:"):] + "/layer.tar"
	configName := digestHex(config) + ".json"
	manifest, err := json.Marshal([]struct {
		Config   string
		RepoTags []string
		Layers   []string
	}{{configName, []string{tag}, []string{layerName}}})
	if err != nil {
		return err
	}
	tw := tar.NewWriter(w)
	if err := tw.WriteHeader(&tar.Header{Name: layerName, Mode: 0o644, Size: l.Size, ModTime: epoch}); err != nil {
		return err
	}
	if err := writeLayer(tw, bin, size); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		body []byte
	}{{configName, config}, {"manifest.json", manifest}} {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o644, Size: int64(len(f.body)), ModTime: epoch}); err != nil {
			return err
		}
		if _, err := tw.Write(f.body); err != nil {
			return err
		}
	}
	return tw.Close()
}
