package fakeapp

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/stickylab/stickylab/internal/atomicfile"
)

// The state file holds the settings changed at run time (Settings), so
// that a stopped and started app comes back with them, as fakecdn's state
// file keeps a balancer's admin changes. Sessions are not saved: an InProc
// session store is empty after a restart.

const settingsVersion = 1

type savedSettings struct {
	Version int `json:"version"`
	Settings
}

// loadSettings reads the state file: ok is false when there is none (or no
// path). A file of another version, or unreadable, is an error naming it.
func loadSettings(path string) (s Settings, ok bool, err error) {
	if path == "" {
		return s, false, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, false, nil
	}
	if err != nil {
		return s, false, fmt.Errorf("fakeapp: state file: %w", err)
	}
	var saved savedSettings
	if err := json.Unmarshal(data, &saved); err != nil {
		return s, false, fmt.Errorf("fakeapp: state file %s: %w", path, err)
	}
	if saved.Version != settingsVersion {
		return s, false, fmt.Errorf("fakeapp: state file %s: version %d, want %d", path, saved.Version, settingsVersion)
	}
	return saved.Settings, true, nil
}

// saveSettings writes s to the state file atomically (a temporary file
// renamed over it); without a path it does nothing.
func saveSettings(path string, s Settings) error {
	if path == "" {
		return nil
	}
	data, err := json.Marshal(savedSettings{Version: settingsVersion, Settings: s})
	if err != nil {
		return fmt.Errorf("fakeapp: state file %s: %w", path, err)
	}
	if err := atomicfile.Write(path, append(data, '\n')); err != nil {
		return fmt.Errorf("fakeapp: state file %s: %w", path, err)
	}
	return nil
}
