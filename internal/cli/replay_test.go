package cli

import (
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stickylab/stickylab/lab/replay/replaytest"
)

// replay works against any edge: here the incident, in-process (fakecdn and fakeapp on httptest servers).
func TestReplayJSONAgainstAnEdge(t *testing.T) {
	srv, _ := replaytest.NewServer(t, replaytest.Config{Seed: 7})
	r := execute(t, "replay", "--url", srv.URL, "--insecure", "-n", "60", "-c", "4", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
	}
	obj := decodeJSON(t, r.stdout)
	if obj["runs"].(float64) != 60 {
		t.Errorf("runs = %v, want 60", obj["runs"])
	}
	if obj["failed"].(float64) == 0 {
		t.Errorf("the incident without edge persistence should fail some logins:\n%s", r.stdout)
	}
}

func TestReplayHumanWithCA(t *testing.T) {
	srv, _ := replaytest.NewServer(t, replaytest.Config{Seed: 3})
	ca := filepath.Join(t.TempDir(), "ca.pem")
	data := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(ca, data, 0o644); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(t.TempDir(), "report.md")
	har := filepath.Join(t.TempDir(), "runs.har")
	r := execute(t, "replay", "--url", srv.URL, "--ca", ca, "-n", "40", "--report", report, "--har", har)
	if r.code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
	}
	for _, w := range []string{"failure rate", "95 % CI", "requests served", "dc-east", "Diagnosis", "One failed run, hop by hop", "X-Served-By", "Set-Cookie: lbs="} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("output lacks %q:\n%s", w, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "\x1b[") {
		t.Errorf("no colour when stdout is not a terminal:\n%q", r.stdout)
	}
	md, err := os.ReadFile(report)
	if err != nil || !strings.HasPrefix(string(md), "# ") {
		t.Errorf("report %s: %v\n%s", report, err, md)
	}
	if h, err := os.ReadFile(har); err != nil || !strings.Contains(string(h), `"entries"`) {
		t.Errorf("HAR %s: %v", har, err)
	}
}

// Without the CA the certificate is not trusted: one line, non-zero.
func TestReplayUntrustedCertificate(t *testing.T) {
	srv, _ := replaytest.NewServer(t, replaytest.Config{})
	oneErrorLine(t, execute(t, "replay", "--url", srv.URL, "-n", "5"), ExitUsage, srv.URL, "certificate")
}
