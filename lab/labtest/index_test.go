package labtest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTheIndexLinksEveryReportOfEveryReplay(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"incident-1.html", "incident-1.md", "incident-1.har", "failover-1.md", "notes.txt"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path, err := WriteIndex(dir)
	if err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	html := string(page)
	for _, link := range []string{`href="incident-1.html"`, `href="incident-1.md"`, `href="incident-1.har"`, `href="failover-1.md"`} {
		if !strings.Contains(html, link) {
			t.Errorf("index lacks %s:\n%s", link, html)
		}
	}
	if strings.Contains(html, "notes.txt") {
		t.Errorf("index lists a file that is no report:\n%s", html)
	}
	if strings.Index(html, "failover-1") > strings.Index(html, "incident-1") {
		t.Errorf("index is not sorted by spec:\n%s", html)
	}
}

func TestTheIndexOfAMissingFolderIsAnError(t *testing.T) {
	if _, err := WriteIndex(filepath.Join(t.TempDir(), "absent")); err == nil || !strings.Contains(err.Error(), "absent") {
		t.Fatalf("err = %v, want one naming the folder", err)
	}
}
