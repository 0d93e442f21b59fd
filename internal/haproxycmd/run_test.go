package haproxycmd

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// config writes a fakecdn configuration file of the given role.
func config(t *testing.T, role string) string {
	path := filepath.Join(t.TempDir(), "lb.yaml")
	body := "role: " + role + "\nname: dc-east\nmembers: [{name: dc-east-1, url: \"http://127.0.0.1:1\"}]\ncookie: {codec: plain}\n"
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestBadInputExitsTwoSayingWhat(t *testing.T) {
	for name, c := range map[string]struct {
		args []string
		want string
	}{
		"no config":  {nil, "--config: a configuration file is required"},
		"edge role":  {[]string{"--config", config(t, "edge")}, `role "edge": haproxy serves a datacenter tier (role dc) only`},
		"stray args": {[]string{"extra"}, `unexpected argument "extra"`},
	} {
		var stderr bytes.Buffer
		if code := Main(t.Context(), c.args, &stderr); code != exitUsage || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", name, code, stderr.String(), exitUsage, c.want)
		}
	}
}

func TestWithoutHAProxyItNamesTheDebianPackage(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	var stderr bytes.Buffer
	if code := Main(t.Context(), []string{"--config", config(t, "dc")}, &stderr); code != exitFailure || !strings.Contains(stderr.String(), "install the Debian package haproxy") {
		t.Fatalf("exit %d, stderr %q; want %d naming the package haproxy", code, stderr.String(), exitFailure)
	}
}
