package containerfiles

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTheFilesEncodedForAContainerAreWrittenOutAndTheVariableIsGone(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{
		filepath.Join(dir, "etc", "fakecdn.yaml"): []byte("role: edge\n"),
		filepath.Join(dir, "etc", "edge.key"):     {0, 1, 2, 0xff},
	}
	v, err := Encode(files)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(Env, v)
	if err := Write(); err != nil {
		t.Fatal(err)
	}
	for path, want := range files {
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s holds %q, want %q", path, got, want)
		}
	}
	if _, ok := os.LookupEnv(Env); ok {
		t.Errorf("%s is still set: the role's children would see it", Env)
	}
}

func TestWithoutTheVariableNothingIsWritten(t *testing.T) {
	t.Setenv(Env, "") // registers the restore; then unset it
	os.Unsetenv(Env)
	if err := Write(); err != nil {
		t.Fatal(err)
	}
}

func TestABadValueIsAnErrorNamingTheVariable(t *testing.T) {
	for _, tc := range []struct{ value, want string }{
		{"not json", "not a JSON object"},
		{`{"etc/relative": ""}`, `path "etc/relative": want an absolute, clean path`},
		{`{"/etc/../x": ""}`, `path "/etc/../x"`},
	} {
		t.Setenv(Env, tc.value)
		err := Write()
		if err == nil || !strings.Contains(err.Error(), Env) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Write with %s=%s: %v, want an error naming %s and saying %q", Env, tc.value, err, Env, tc.want)
		}
	}
}

func TestEncodeRefusesARelativePath(t *testing.T) {
	if _, err := Encode(map[string][]byte{"fakecdn.yaml": nil}); err == nil {
		t.Error("Encode took a relative path")
	}
}
