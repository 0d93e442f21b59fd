package fakecdncmd

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/fakecdn"
	"github.com/stickylab/stickylab/internal/syncbuf"
)

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBadConfigExits2WithOneLineNamingField(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{"members: [{name: a, url: 'http://127.0.0.1:1'}]\npersistence: foo\n", `persistence: "foo" is not one of none, cookie, source-ip`},
		{"members: [{name: a, url: 'http://127.0.0.1:1', weight: -1}]\n", "members[0].weight: must be > 0"},
		{"members: []\npersistance: none\n", "persistance"},
	} {
		var stderr bytes.Buffer
		code := run(context.Background(), []string{"--config", writeFile(t, "c.yaml", tc.body), "--addr", "127.0.0.1:0", "--admin-addr", "127.0.0.1:0"}, &stderr)
		out := strings.TrimSpace(stderr.String())
		if code != 2 || strings.Count(out, "\n") != 0 || !strings.Contains(out, tc.want) {
			t.Errorf("exit %d, stderr %q; want 2 and one line with %q", code, out, tc.want)
		}
	}
}

func TestFlagErrors(t *testing.T) {
	cfg := writeFile(t, "c.yaml", "members: [{name: a, url: 'http://127.0.0.1:1'}]\n")
	for _, args := range [][]string{{}, {"--config", "x", "--tls-cert", "c"}, {"--config", "/nonexistent.yaml"}, {"--bogus"},
		{"--config", cfg, "--admin-hosts", "http://edge:8081"}, {"--config", cfg, "--server", "h2"}} {
		if code := run(context.Background(), args, io.Discard); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestServeTLSAndShutdown runs the command with a self-signed certificate
// in front of one backend, then cancels it like SIGTERM would.
func TestServeTLSAndShutdown(t *testing.T) {
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Served-By", "dc-east/dc-east-1")
	}))
	defer app.Close()
	cfg := writeFile(t, "edge.yaml", fmt.Sprintf("role: edge\nname: edge\nmembers:\n  - {name: dc-east, url: %q}\n", app.URL))
	pemFile := filepath.Join(t.TempDir(), "ca.pem")
	addr, adminAddr := freeAddr(t), freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"--config", cfg, "--addr", addr, "--admin-addr", adminAddr, "--tls-self-signed-out", pemFile}, io.Discard)
	}()
	var admin *http.Response
	deadline := time.Now().Add(5 * time.Second)
	for {
		r, err := http.Get("http://" + adminAddr + "/healthz")
		if err == nil {
			admin = r
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("admin never answered: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	admin.Body.Close()
	pemBytes, err := os.ReadFile(pemFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pemBytes)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Get("https://" + addr + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("X-Stickylab-Edge") != "dc=dc-east; reason=passthrough" {
		t.Fatalf("edge header %q", resp.Header.Get("X-Stickylab-Edge"))
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d after shutdown", code)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("no graceful shutdown")
	}
}

func TestTheProfilerIsAsLocalAsTheAdminAPI(t *testing.T) {
	cfg := writeFile(t, "c.yaml", "members: [{name: a, url: 'http://127.0.0.1:1'}]\n")
	lbCfg, err := LoadConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	lb, err := fakecdn.New(lbCfg, fakecdn.WithAdminHosts("edge"))
	if err != nil {
		t.Fatal(err)
	}
	h, err := adminHandler(lb, true, []string{"edge"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		host, path string
		want       int
	}{
		{"127.0.0.1:8081", "/debug/pprof/", 200},
		{"edge:8081", "/debug/pprof/", 200},
		{"evil.example:8081", "/debug/pprof/", 403},
		{"evil.example:8081", "/state", 403},
	} {
		r := httptest.NewRequest("GET", tc.path, nil)
		r.Host = tc.host
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != tc.want {
			t.Errorf("GET %s with Host %s: %d, want %d", tc.path, tc.host, w.Code, tc.want)
		}
	}
}

// startCmd runs the command until the returned stop is called, once its
// admin API answers; stop returns the exit code.
func startCmd(t *testing.T, args ...string) (adminURL string, stop func() int) {
	t.Helper()
	args = append(args, "--addr", freeAddr(t), "--admin-addr", freeAddr(t))
	adminAddr := args[len(args)-1]
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- run(ctx, args, io.Discard) }()
	stop = func() int {
		cancel()
		return <-done
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		r, err := http.Get("http://" + adminAddr + "/healthz")
		if err == nil {
			r.Body.Close()
			return "http://" + adminAddr, stop
		}
		if time.Now().After(deadline) {
			stop()
			t.Fatalf("admin never answered: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestTheStateFileKeepsAdminChangesAcrossARestart(t *testing.T) {
	cfg := writeFile(t, "dc.yaml", "role: dc\nname: dc-east\npersistence: cookie\nmembers:\n  - {name: dc-east-1, url: 'http://127.0.0.1:1'}\n")
	state := filepath.Join(t.TempDir(), "state.json")
	admin, stop := startCmd(t, "--config", cfg, "--state-file", state)
	req, _ := http.NewRequest(http.MethodPatch, admin+"/config", strings.NewReader(`{"persistence":"none"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		stop()
		t.Fatalf("PATCH /config: %v %v", resp, err)
	}
	resp.Body.Close()
	if code := stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}

	admin, stop = startCmd(t, "--config", cfg, "--state-file", state)
	defer stop()
	resp, err = http.Get(admin + "/state")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(body), `"persistence": "none"`) {
		t.Fatalf("after a restart the saved persistence none, not the file's cookie:\n%s", body)
	}
}

func TestAStateFileThatCannotBeWrittenExits2(t *testing.T) {
	cfg := writeFile(t, "dc.yaml", "role: dc\nname: dc-east\nmembers:\n  - {name: dc-east-1, url: 'http://127.0.0.1:1'}\n")
	var stderr bytes.Buffer
	missing := filepath.Join(t.TempDir(), "missing", "state.json")
	code := run(context.Background(), []string{"--config", cfg, "--state-file", missing, "--addr", "127.0.0.1:0", "--admin-addr", "127.0.0.1:0"}, &stderr)
	if code != 2 || !strings.Contains(stderr.String(), missing) {
		t.Fatalf("exit %d, stderr %q; want 2 naming %s", code, stderr.String(), missing)
	}
}

// TestServePlainOnEitherServer runs the command on plain HTTP with each
// --server, proxies one request, and shuts it down as SIGTERM would.
func TestServePlainOnEitherServer(t *testing.T) {
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "app")
	}))
	defer app.Close()
	cfg := writeFile(t, "dc.yaml", fmt.Sprintf("role: dc\nname: dc-east\nmembers:\n  - {name: dc-east-1, url: %q}\n", app.URL))
	for _, server := range []string{"fast", "net/http"} {
		t.Run(server, func(t *testing.T) {
			addr, adminAddr := freeAddr(t), freeAddr(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var stderr syncBuffer
			done := make(chan int, 1)
			go func() {
				done <- run(ctx, []string{"--config", cfg, "--addr", addr, "--admin-addr", adminAddr, "--server", server}, &stderr)
			}()
			resp := getWhenUp(t, "http://"+addr+"/login")
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(body) != "app" || resp.Header.Get(fakecdn.HeaderLB) == "" {
				t.Fatalf("%d %q, decision header %q", resp.StatusCode, body, resp.Header.Get(fakecdn.HeaderLB))
			}
			cancel()
			if code := <-done; code != 0 {
				t.Fatalf("exit %d after shutdown", code)
			}
			if want := fmt.Sprintf("%q:%q", "server", server); !strings.Contains(stderr.String(), want) {
				t.Fatalf("the start line does not say %s:\n%s", want, stderr.String())
			}
		})
	}
}

// getWhenUp GETs url until the listener answers (the command starts it).
func getWhenUp(t *testing.T, url string) *http.Response {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, err := http.Get(url)
		if err == nil {
			return resp
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never answered: %v", url, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// syncBuffer is safe to read while a command still writes.
type syncBuffer = syncbuf.Buffer
