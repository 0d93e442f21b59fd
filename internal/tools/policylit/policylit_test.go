// Package policylit checks issue 11's promise that the tier policy is
// written once: each policy enum literal and each wire field name of the
// admin API stands, as a Go string literal, in at most two non-test Go
// files of the repository (its definition and its registration).
package policylit

import (
	"go/scanner"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	_ "github.com/stickylab/stickylab/fakecdn" // registers the selections and codecs
	"github.com/stickylab/stickylab/fakecdn/policy"
)

// generic are wire names and values that are also everyday words of other
// APIs (flags, logs, other JSON); they are left out of the count.
var generic = []string{"name", "url", "weight", "state", "delay", "requests", "healthy", "role", "seed",
	"members", "health", "path", "interval", "timeout", "rise", "fall", "ttl", "secure", "cookie", "none",
	"config", "profile", "salt", "expiry"}

// literals are the policy's enum values (from the registries and lists)
// and the JSON names of its wire types (from their tags).
func literals() []string {
	var out []string
	add := func(vs ...string) {
		for _, v := range vs {
			if !slices.Contains(generic, v) && !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
	}
	for _, s := range policy.Selections() {
		add(string(s))
	}
	for _, c := range policy.Codecs() {
		add(string(c))
	}
	for _, p := range policy.Persistences {
		add(string(p))
	}
	for _, u := range policy.Undecodables {
		add(string(u))
	}
	for _, m := range policy.MemberDowns {
		add(string(m))
	}
	for _, v := range []any{policy.Config{}, policy.Tier{}, policy.Cookie{}, policy.Vendor{}, policy.State{},
		policy.MemberState{}, policy.Patch{}, policy.CookiePatch{}, policy.MemberPatch{}} {
		add(jsonNames(reflect.TypeOf(v))...)
	}
	return out
}

func jsonNames(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			out = append(out, jsonNames(f.Type)...)
			continue
		}
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}

func TestEachPolicyLiteralStandsInAtMostTwoFiles(t *testing.T) {
	root := filepath.Join("..", "..", "..")
	files := map[string][]string{} // literal -> files
	want := literals()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "artifacts" || d.Name() == "vendor" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		for _, lit := range stringLiterals(t, path) {
			if slices.Contains(want, lit) {
				rel, _ := filepath.Rel(root, path)
				if !slices.Contains(files[lit], rel) {
					files[lit] = append(files[lit], rel)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, lit := range want {
		t.Logf("%-24q %d: %s", lit, len(files[lit]), strings.Join(files[lit], ", "))
		if len(files[lit]) > 2 {
			t.Errorf("%q stands in %d non-test Go files, at most 2 (definition and registration): %s",
				lit, len(files[lit]), strings.Join(files[lit], ", "))
		}
	}
}

// stringLiterals are the values of the string literals of a Go file
// (struct tags are literals too, but whole: `json:"x"` is not "x").
func stringLiterals(t *testing.T, path string) []string {
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var s scanner.Scanner
	fset := token.NewFileSet()
	s.Init(fset.AddFile(path, -1, len(src)), src, nil, 0)
	var out []string
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			return out
		}
		if tok == token.STRING {
			if v, err := strconv.Unquote(lit); err == nil {
				out = append(out, v)
			}
		}
	}
}
