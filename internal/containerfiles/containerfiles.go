// Package containerfiles hands a container the files it starts with (an
// LB's configuration, the edge's certificate) in one environment variable,
// which the role writes out before it starts. Copying them in instead costs
// the engine a re-execution of dockerd and a fuse-overlayfs mount per copy,
// about 0.4 core-seconds each on a slow engine, before the container starts.
package containerfiles

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
)

// Env is the variable that carries the files: a JSON object from absolute
// path to content (base64, as encoding/json writes []byte).
const Env = "STICKYLAB_CONTAINER_FILES"

// Encode returns Env's value for files (container path → content).
func Encode(files map[string][]byte) (string, error) {
	for path := range files {
		if err := checkPath(path); err != nil {
			return "", err
		}
	}
	b, err := json.Marshal(files)
	if err != nil {
		return "", fmt.Errorf("%s: %w", Env, err)
	}
	return string(b), nil
}

// Write writes out the files Env carries, creating their folders, and
// removes Env from the environment. Without Env it does nothing.
func Write() error {
	v, ok := os.LookupEnv(Env)
	if !ok {
		return nil
	}
	var files map[string][]byte
	if err := json.Unmarshal([]byte(v), &files); err != nil {
		return fmt.Errorf("%s: not a JSON object of path to base64 content: %w", Env, err)
	}
	var errs []error
	for _, path := range slices.Sorted(maps.Keys(files)) {
		if err := checkPath(path); err != nil {
			errs = append(errs, err)
			continue
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", Env, err))
			continue
		}
		if err := os.WriteFile(path, files[path], 0o644); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", Env, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return os.Unsetenv(Env)
}

func checkPath(path string) error {
	if !filepath.IsAbs(path) || filepath.Clean(path) != path {
		return fmt.Errorf("%s: path %q: want an absolute, clean path", Env, path)
	}
	return nil
}
