package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// upState is what `stickylab up` leaves for `stickylab ctl`: where the lab
// is and how to change it. The file is readable by its owner only, since
// the token lets anyone who has it stop datacenters.
type upState struct {
	RunID       string            `json:"run_id"`
	Runtime     string            `json:"runtime"`
	Topology    string            `json:"topology"`
	EdgeURL     string            `json:"edge_url"`
	CAFile      string            `json:"ca_file,omitempty"`
	Admin       map[string]string `json:"admin"` // "edge", "<dc>", "<dc>-N" -> admin base URL
	Datacenters []string          `json:"datacenters"`
	Control     string            `json:"control"`             // the up process's control endpoint
	Dashboard   string            `json:"dashboard,omitempty"` // the live dashboard's URL (no secret in it)
	Token       string            `json:"token"`
	PID         int               `json:"pid"`
	Started     time.Time         `json:"started"`
}

// defaultStatePath is $XDG_RUNTIME_DIR/stickylab/current.json, or
// stickylab-current.json in the temp folder.
func defaultStatePath(s Streams) string {
	if dir := s.getenv("XDG_RUNTIME_DIR"); dir != "" {
		return filepath.Join(dir, "stickylab", "current.json")
	}
	return filepath.Join(os.TempDir(), "stickylab-current.json")
}

func writeState(path string, st upState) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("state file: %w", err)
	}
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return fmt.Errorf("state file: %w", err)
	}
	return os.Rename(tmp, path)
}

func readState(path string) (upState, error) {
	var st upState
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return st, badInput("no running lab: %s does not exist; start one with `stickylab up -f FILE` (or pass --state FILE)", path)
	}
	if err != nil {
		return st, badInput("state file: %w", err)
	}
	if err := json.Unmarshal(data, &st); err != nil {
		return st, badInput("state file %s: %w", path, err)
	}
	if st.Control == "" || st.EdgeURL == "" {
		return st, badInput("state file %s: not written by `stickylab up`", path)
	}
	return st, nil
}

// removeState removes the state file if it still describes run id (a later
// `up` may have replaced it).
func removeState(path, runID string) {
	st, err := readState(path)
	if err == nil && st.RunID == runID {
		os.Remove(path)
	}
}
