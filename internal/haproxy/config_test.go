package haproxy

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stickylab/stickylab/fakecdn"
)

var update = flag.Bool("update", false, "rewrite testdata/*.cfg from the renderer")

// loadConfig reads a fakecdn configuration from testdata, defaults applied.
func loadConfig(t *testing.T, name string) fakecdn.Config {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := fakecdn.ParseConfig(data)
	if err != nil {
		t.Fatal(err)
	}
	return c.WithDefaults()
}

func TestRenderMatchesTheGoldenFiles(t *testing.T) {
	for name, o := range map[string]Options{
		"dc-east": {Bind: ":8080", Socket: "/tmp/haproxy.sock", DNS: true},
		"dc-west": {Bind: "fd@3", Socket: "/run/dc-west.sock"},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := Render(loadConfig(t, name), o)
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", name+".cfg")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("haproxy.cfg differs from %s (go test -update to accept):\n%s", golden, got)
			}
		})
	}
}

// TestGoldenFilesAreValidHAProxy asks haproxy itself: a golden file only
// pins what was rendered, not that HAProxy 2.6 reads it.
func TestGoldenFilesAreValidHAProxy(t *testing.T) {
	bin := requireHAProxy(t)
	fd3 := listenerFile(t) // dc-west binds fd@3, a socket the parent opened
	for _, name := range []string{"dc-east", "dc-west"} {
		cmd := exec.Command(bin, "-c", "-f", filepath.Join("testdata", name+".cfg"))
		cmd.ExtraFiles = []*os.File{fd3}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("%s -c -f testdata/%s.cfg: %v\n%s", bin, name, err, out)
		}
	}
}

func TestRenderRefusesWhatHAProxyCannotExpress(t *testing.T) {
	for field, mutate := range map[string]func(*fakecdn.Config){
		"cookie.codec":             func(c *fakecdn.Config) { c.Cookie.Codec = "f5-encrypted" },
		"persistence":              func(c *fakecdn.Config) { c.Persistence = "source-ip" },
		"on_member_down":           func(c *fakecdn.Config) { c.OnMemberDown = "strict" },
		"undecodable":              func(c *fakecdn.Config) { c.Undecodable = "reject" },
		"member dc-east-1: weight": func(c *fakecdn.Config) { c.Members[0].Weight = 100 },
	} {
		c := loadConfig(t, "dc-east")
		mutate(&c)
		_, err := Render(c, Options{Bind: ":8080", Socket: "/s"})
		if err == nil || !strings.HasPrefix(err.Error(), field) {
			t.Errorf("%s: want an error naming it, got %v", field, err)
		}
	}
}
