package dockerrt

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/moby/moby/client"
)

func tagOf(t *testing.T, arch, bin string) string {
	t.Helper()
	l, err := measureLayer(strings.NewReader(bin), int64(len(bin)))
	if err != nil {
		t.Fatal(err)
	}
	_, tag, err := newImageConfig(arch, l)
	if err != nil {
		t.Fatal(err)
	}
	return tag
}

func TestTheImageTagIsTheHashOfTheBinary(t *testing.T) {
	base := tagOf(t, "amd64", "binary")
	if !regexp.MustCompile(`^stickylab/lab:[0-9a-f]{12}$`).MatchString(base) {
		t.Fatalf("tag %q is not stickylab/lab:<12 hex digits>", base)
	}
	if again := tagOf(t, "amd64", "binary"); again != base {
		t.Errorf("same binary, different tags: %s, %s", base, again)
	}
	if other := tagOf(t, "amd64", "binary2"); other == base {
		t.Error("a changed binary must change the tag")
	}
	if other := tagOf(t, "arm64", "binary"); other == base {
		t.Error("another architecture must change the tag")
	}
}

// readTar returns a tar's regular files by name, and their headers.
func readTar(t *testing.T, r io.Reader) (map[string][]byte, map[string]*tar.Header) {
	t.Helper()
	files, headers := map[string][]byte{}, map[string]*tar.Header{}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files, headers
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		files[h.Name], headers[h.Name] = b, h
	}
}

// The archive is what `docker save` writes for a FROM scratch image holding
// /stickylab: the engine loads it as is.
func TestTheImageArchiveHoldsTheBinaryAsTheEntrypoint(t *testing.T) {
	bin := "\x7fELF static stickylab"
	l, err := measureLayer(strings.NewReader(bin), int64(len(bin)))
	if err != nil {
		t.Fatal(err)
	}
	config, tag, err := newImageConfig("amd64", l)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := writeArchive(&buf, tag, config, l, strings.NewReader(bin), int64(len(bin))); err != nil {
		t.Fatal(err)
	}
	files, _ := readTar(t, &buf)
	var manifest []struct{ Config, RepoTags, Layers any }
	if err := json.Unmarshal(files["manifest.json"], &manifest); err != nil || len(manifest) != 1 {
		t.Fatalf("manifest.json %s: %v", files["manifest.json"], err)
	}
	m, _ := json.Marshal(manifest[0])
	layerName := strings.TrimPrefix(l.DiffID, "sha256:") + "/layer.tar"
	configName := digestHex(config) + ".json"
	if want := `{"Config":"` + configName + `","RepoTags":["` + tag + `"],"Layers":["` + layerName + `"]}`; string(m) != want {
		t.Errorf("manifest\n got %s\nwant %s", m, want)
	}
	var c imageConfig
	if err := json.Unmarshal(files[configName], &c); err != nil {
		t.Fatalf("config %s: %v", configName, err)
	}
	if c.OS != "linux" || c.Architecture != "amd64" || c.Config.User != "65534:65534" ||
		strings.Join(c.Config.Entrypoint, " ") != "/stickylab" || c.Config.Labels[LabelImage] != "true" ||
		len(c.RootFS.DiffIDs) != 1 || c.RootFS.DiffIDs[0] != l.DiffID {
		t.Errorf("config %s", files[configName])
	}
	sum := sha256.Sum256(files[layerName])
	if "sha256:"+hex.EncodeToString(sum[:]) != l.DiffID || int64(len(files[layerName])) != l.Size {
		t.Errorf("layer.tar does not match its digest %s and size %d", l.DiffID, l.Size)
	}
	inLayer, headers := readTar(t, bytes.NewReader(files[layerName]))
	if string(inLayer["stickylab"]) != bin || len(inLayer) != 5 || headers["stickylab"].Mode != 0o755 {
		t.Errorf("layer holds %d entries; stickylab = %q, mode %o", len(inLayer), inLayer["stickylab"], headers["stickylab"].Mode)
	}
	if d := headers["var/lib/fakecdn/"]; d == nil || d.Typeflag != tar.TypeDir || d.Uid != 65534 || d.Gid != 65534 {
		t.Errorf("the layer must hold /var/lib/fakecdn owned by 65534 for fakecdn's state file: %+v", d)
	}
	if d := headers["var/lib/fakeapp/"]; d == nil || d.Typeflag != tar.TypeDir || d.Uid != 65534 || d.Gid != 65534 {
		t.Errorf("the layer must hold /var/lib/fakeapp owned by 65534 for fakeapp's state file: %+v", d)
	}
}

func TestTheImageArchiveFailsOnAShortBinary(t *testing.T) {
	l, _ := measureLayer(strings.NewReader("0123456789"), 10)
	config, tag, _ := newImageConfig("amd64", l)
	if err := writeArchive(io.Discard, tag, config, l, strings.NewReader("abc"), 10); err == nil {
		t.Fatal("a binary shorter than its stated size must fail the archive")
	}
}

// The committed Dockerfile is the recipe for a manual build of the same
// image; it must say what the code builds.
func TestTheDockerfileDescribesTheImage(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "docker", "stickylab.Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"FROM scratch", "COPY stickylab /stickylab", "USER " + imageUser,
		"EXPOSE 8080 8081 8443", `ENTRYPOINT ["/stickylab"]`} {
		if !strings.Contains(string(b), "\n"+want+"\n") {
			t.Errorf("docker/stickylab.Dockerfile lacks the line %q", want)
		}
	}
}

func TestEngineErrorsAreReportedWithTheLastOutput(t *testing.T) {
	stream := `{"stream":"Loading layer 1/1\n"}` + "\n" +
		`{"errorDetail":{"message":"no space left on device"},"error":"no space left on device"}` + "\n"
	err := engineOutcome(strings.NewReader(stream))
	if err == nil || !strings.Contains(err.Error(), "no space left") || !strings.Contains(err.Error(), "Loading layer") {
		t.Fatalf("want the engine's error and the step, got %v", err)
	}
	if err := engineOutcome(strings.NewReader(`{"stream":"Loaded image: stickylab/lab:0123\n"}`)); err != nil {
		t.Fatalf("a successful load: %v", err)
	}
}

// fakeEngine answers the image-load API as an engine that refuses it would.
func fakeEngine(t *testing.T, load http.HandlerFunc) *client.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/version") {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"Os":"linux","Arch":"amd64","ApiVersion":"1.41"}`)
			return
		}
		if strings.HasSuffix(r.URL.Path, "/images/load") {
			_, _ = io.Copy(io.Discard, r.Body)
			load(w, r)
			return
		}
		http.Error(w, `{"message":"no such image"}`, http.StatusNotFound)
	}))
	t.Cleanup(srv.Close)
	cli, err := client.New(client.WithHost("tcp://"+srv.Listener.Addr().String()), client.WithVersion("1.41"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Close() })
	return cli
}

func TestAnEngineThatRefusesTheImageSaysWhichAndWhy(t *testing.T) {
	for name, load := range map[string]http.HandlerFunc{
		"HTTP error": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, `{"message":"image load is disabled by policy"}`)
		},
		"error in the stream": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"errorDetail":{"message":"image load is disabled by policy"},"error":"image load is disabled by policy"}`+"\n")
		},
		"silently nothing": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"stream":"Loaded image: something/else:1\n"}`+"\n")
		},
	} {
		t.Run(name, func(t *testing.T) {
			cli := fakeEngine(t, load)
			bin := labBinary{Path: writeELF(t, elfSpec{}), Arch: "amd64"}
			_, err := ensureImageOf(t.Context(), cli, bin, t.Logf)
			if err == nil {
				t.Fatal("an engine that refuses the image must fail the start")
			}
			for _, want := range []string{"stickylab/lab:", bin.Path} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q should name %q", err, want)
				}
			}
			if name != "silently nothing" && !strings.Contains(err.Error(), "disabled by policy") {
				t.Errorf("error %q should carry the engine's reason", err)
			}
		})
	}
}

func TestABinaryForAnotherArchitectureIsRefusedBeforeTheLoad(t *testing.T) {
	loads := 0
	cli := fakeEngine(t, func(http.ResponseWriter, *http.Request) { loads++ })
	bin := labBinary{Path: writeELF(t, elfSpec{}), Arch: "arm64"}
	_, err := ensureImageOf(t.Context(), cli, bin, t.Logf)
	if err == nil || !strings.Contains(err.Error(), "linux/arm64") || !strings.Contains(err.Error(), "GOARCH=amd64") {
		t.Fatalf("want an error naming both platforms and what to build, got %v", err)
	}
	if loads != 0 {
		t.Errorf("the engine was sent the image %d times", loads)
	}
}
