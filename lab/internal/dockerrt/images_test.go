package dockerrt

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestImageTagsCoverTheDockerfileAndTheBinary(t *testing.T) {
	tag := func(df, bin string) string {
		t.Helper()
		got, err := imageTag("fakeapp", []byte(df), strings.NewReader(bin))
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	base := tag("FROM scratch\n", "binary")
	if !regexp.MustCompile(`^stickylab/fakeapp:[0-9a-f]{12}$`).MatchString(base) {
		t.Fatalf("tag %q is not stickylab/fakeapp:<12 hex digits>", base)
	}
	if again := tag("FROM scratch\n", "binary"); again != base {
		t.Errorf("same inputs, different tags: %s, %s", base, again)
	}
	if other := tag("FROM scratch\nUSER 0\n", "binary"); other == base {
		t.Error("a changed Dockerfile must change the tag")
	}
	if other := tag("FROM scratch\n", "binary2"); other == base {
		t.Error("a changed binary must change the tag")
	}
	// The boundary between the two inputs is part of the hash.
	if tag("FROM scratch\nb", "inary") == base {
		t.Error("moving bytes from the binary into the Dockerfile must change the tag")
	}
}

func TestTheBuildContextHoldsTheDockerfileAndAnExecutableBinary(t *testing.T) {
	var buf bytes.Buffer
	df := []byte("FROM scratch\nCOPY fakecdn /fakecdn\n")
	if err := writeContext(&buf, df, "fakecdn", strings.NewReader("ELF..."), 6); err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(&buf)
	got := map[string]string{}
	modes := map[string]int64{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		got[h.Name], modes[h.Name] = string(b), h.Mode
	}
	if got["Dockerfile"] != string(df) || got["fakecdn"] != "ELF..." || len(got) != 2 {
		t.Fatalf("context: %q", got)
	}
	if modes["fakecdn"]&0o111 == 0 {
		t.Errorf("binary mode %o is not executable", modes["fakecdn"])
	}
}

func TestTheBuildContextFailsOnAShortBinary(t *testing.T) {
	if err := writeContext(io.Discard, nil, "fakeapp", strings.NewReader("abc"), 10); err == nil {
		t.Fatal("a binary shorter than its stated size must fail the context")
	}
}

func TestBuilderErrorsAreReportedWithTheLastOutput(t *testing.T) {
	stream := `{"stream":"Step 1/3 : FROM scratch\n"}` + "\n" +
		`{"stream":"Step 2/3 : COPY fakeapp /fakeapp\n"}` + "\n" +
		`{"errorDetail":{"message":"COPY failed: file not found"},"error":"COPY failed: file not found"}` + "\n"
	_, err := buildOutcome(strings.NewReader(stream))
	if err == nil || !strings.Contains(err.Error(), "COPY failed") || !strings.Contains(err.Error(), "Step 2/3") {
		t.Fatalf("want the builder's error and the step, got %v", err)
	}
	ok := `{"stream":"Successfully built 0123\n"}` + "\n" + `{"aux":{"ID":"sha256:0123"}}`
	if id, err := buildOutcome(strings.NewReader(ok)); err != nil || id != "sha256:0123" {
		t.Fatalf("a successful build: %q, %v", id, err)
	}
}

func TestTheModuleSourceIsFound(t *testing.T) {
	t.Setenv(binDirEnv, "")
	src, err := locateSource()
	if err != nil {
		t.Fatal(err)
	}
	if !isModuleRoot(src.Root) || src.BinDir != "" {
		t.Fatalf("source %+v", src)
	}
	for _, prog := range programs {
		if _, err := os.Stat(filepath.Join(src.Root, "cmd", prog)); err != nil {
			t.Errorf("module root %s lacks cmd/%s: %v", src.Root, prog, err)
		}
	}
}

func TestPrebuiltBinariesMustExist(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(binDirEnv, dir)
	if _, err := locateSource(); err == nil || !strings.Contains(err.Error(), binDirEnv) {
		t.Fatalf("want an error naming %s, got %v", binDirEnv, err)
	}
	for _, prog := range programs {
		if err := os.WriteFile(filepath.Join(dir, prog), []byte("x"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if src, err := locateSource(); err != nil || src.BinDir != dir {
		t.Fatalf("source %+v, %v", src, err)
	}
}

func TestTheFallbackDockerfileMatchesTheContract(t *testing.T) {
	df := string(fallbackDockerfile("fakecdn"))
	for _, want := range []string{"FROM scratch", "COPY fakecdn /fakecdn", "USER 65534:65534", `ENTRYPOINT ["/fakecdn"]`} {
		if !strings.Contains(df, want) {
			t.Errorf("fallback Dockerfile lacks %q:\n%s", want, df)
		}
	}
}
