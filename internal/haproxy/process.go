package haproxy

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/stickylab/stickylab/fakecdn"
)

// readyTimeout bounds the wait for a started haproxy to answer on its stats
// socket: a hang guard, not a guess of its speed.
const readyTimeout = 30 * time.Second

// Binary is the haproxy on $PATH, or an error that says which package
// installs it.
func Binary() (string, error) {
	bin, err := exec.LookPath("haproxy")
	if err != nil {
		return "", fmt.Errorf("haproxy is not installed: install the Debian package %s (apt-get install %s, or make deps): %w", Package, Package, err)
	}
	return bin, nil
}

// Spec is how to start one haproxy.
type Spec struct {
	Bin    string         // the haproxy binary
	Dir    string         // where haproxy.cfg and the stats socket go; must exist
	Config fakecdn.Config // the LB's configuration, defaults applied
	// Listener, when set, is the frontend's socket, opened by the parent
	// (bind fd@3): the address stays the one the lab handed out. Otherwise
	// haproxy binds Bind.
	Listener *os.File
	Bind     string
	DNS      bool      // see Options.DNS
	Log      io.Writer // haproxy's own output; nil discards it
}

// Process is a running haproxy.
type Process struct {
	Runtime Runtime
	cmd     *exec.Cmd
	exited  chan struct{} // closed when haproxy has exited
	waitErr error         // Wait's result, set before exited is closed
	out     *tail
}

// Start renders the configuration, starts haproxy in the foreground and
// waits until its runtime API answers (the frontend is bound by then). On
// error no child is left.
func Start(ctx context.Context, s Spec) (*Process, error) {
	o := Options{Bind: s.Bind, Socket: filepath.Join(s.Dir, "haproxy.sock"), DNS: s.DNS}
	if s.Listener != nil {
		o.Bind = "fd@3"
	}
	cfg, err := Render(s.Config, o)
	if err != nil {
		return nil, fmt.Errorf("haproxy for %s: %w", s.Config.Name, err)
	}
	path := filepath.Join(s.Dir, "haproxy.cfg")
	if err := os.WriteFile(path, cfg, 0o644); err != nil {
		return nil, fmt.Errorf("haproxy for %s: %w", s.Config.Name, err)
	}
	_ = os.Remove(o.Socket) // a socket left by a killed haproxy
	p := &Process{Runtime: Runtime{Socket: o.Socket}, exited: make(chan struct{}), out: &tail{}}
	p.cmd = exec.Command(s.Bin, "-db", "-f", path)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if s.Log != nil {
		w := io.MultiWriter(p.out, s.Log)
		p.cmd.Stdout, p.cmd.Stderr = w, w
	}
	if s.Listener != nil {
		p.cmd.ExtraFiles = []*os.File{s.Listener}
	}
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s for %s: %w", s.Bin, s.Config.Name, err)
	}
	go func() {
		p.waitErr = p.cmd.Wait()
		close(p.exited)
	}()
	if err := p.waitReady(ctx); err != nil {
		p.Stop()
		err = fmt.Errorf("%s -db -f %s (%s): %w", s.Bin, path, s.Config.Name, err)
		if s.Log == nil { // otherwise the output went there already
			err = fmt.Errorf("%w; its output: %s", err, p.out.String())
		}
		return nil, err
	}
	return p, nil
}

// waitReady polls "show info" until haproxy answers, exits, or the ready
// timeout passes.
func (p *Process) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		_, err := p.Runtime.Do(ctx, "show info")
		if err == nil {
			return nil
		}
		select {
		case <-p.exited:
			return fmt.Errorf("exited before its runtime API answered: %v", p.waitErr)
		case <-ctx.Done():
			return fmt.Errorf("no answer on its runtime API: %w", err)
		case <-tick.C:
		}
	}
}

// Exited is closed once haproxy has exited; Err then says how.
func (p *Process) Exited() <-chan struct{} { return p.exited }

// Err is how haproxy exited, once Exited is closed.
func (p *Process) Err() error {
	<-p.exited
	return fmt.Errorf("haproxy exited: %v; its output: %s", p.waitErr, p.out.String())
}

// Stop kills haproxy and waits for it; it is idempotent. A killed haproxy
// closes its listening socket and every connection, as a stopped container
// would.
func (p *Process) Stop() {
	_ = p.cmd.Process.Kill()
	<-p.exited
}

// Output is the last of what haproxy wrote.
func (p *Process) Output() string { return p.out.String() }

// tail keeps the last 4 KiB written to it.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tail) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if n := len(t.buf) - 4096; n > 0 {
		t.buf = t.buf[n:]
	}
	return len(b), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.buf))
}
