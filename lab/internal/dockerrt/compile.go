package dockerrt

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
)

// compile builds the stickylab command from the module source into a
// temporary directory, for processes that are not the stickylab command
// themselves: `go test` binaries and programs importing the lab. The
// cleanup removes the directory.
func compile(ctx context.Context, logf func(string, ...any)) (labBinary, func(), error) {
	nothing := func() {}
	root := rootOnce()
	if root == "" {
		return labBinary{}, nothing, fmt.Errorf("this program is not the stickylab command and the %s module source is not at hand to compile it: "+
			"set %s to a directory holding a stickylab binary (%s)", modulePath, binDirEnv, buildHint)
	}
	dir, err := os.MkdirTemp("", "stickylab-bin-")
	if err != nil {
		return labBinary{}, nothing, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	start := time.Now()
	// No symbol table or DWARF: a shorter link, a smaller image to load.
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-buildvcs=false", "-ldflags=-s -w", "-o", dir+string(filepath.Separator), mainPackage)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		cleanup()
		return labBinary{}, nothing, fmt.Errorf("compile %s in %s (set %s to use a prebuilt binary): %w\n%s", mainPackage, root, binDirEnv, err, out.Bytes())
	}
	logf("compiled stickylab in %s", time.Since(start).Round(time.Millisecond))
	b, err := checkBinary(filepath.Join(dir, "stickylab"))
	if err != nil {
		cleanup()
		return labBinary{}, nothing, err
	}
	return b, cleanup, nil
}

// rootOnce finds the module root: from the go command in the current
// directory, else from this file's own path (a test binary runs in its
// package directory).
var rootOnce = sync.OnceValue(func() string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "list", "-m", "-f", "{{.Dir}}", modulePath).Output()
	if dir := strings.TrimSpace(string(out)); err == nil && isModuleRoot(dir) {
		return dir
	}
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return ""
	}
	for dir := filepath.Dir(file); ; dir = filepath.Dir(dir) {
		if isModuleRoot(dir) {
			return dir
		}
		if parent := filepath.Dir(dir); parent == dir {
			return ""
		}
	}
})

func isModuleRoot(dir string) bool {
	if dir == "" || !filepath.IsAbs(dir) {
		return false
	}
	b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`) == modulePath
		}
	}
	return false
}
