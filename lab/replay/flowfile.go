package replay

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	yamltoken "github.com/goccy/go-yaml/token"
)

// flowFile is the YAML shape of a flow (see examples/flows/login.yaml).
type flowFile struct {
	Name  string     `yaml:"name"`
	Steps []stepFile `yaml:"steps"`
}

type stepFile struct {
	Name   string      `yaml:"name"`
	Method string      `yaml:"method"`
	Path   string      `yaml:"path"`
	Form   []fieldFile `yaml:"form"`
	Follow bool        `yaml:"follow"`
	Renews []string    `yaml:"renews"`
	Expect expectFile  `yaml:"expect"`
}

type fieldFile struct {
	Name  string `yaml:"name"`
	Value string `yaml:"value"`
	From  string `yaml:"from"`
}

type expectFile struct {
	Status       int    `yaml:"status"`
	Location     string `yaml:"location"`
	BodyContains string `yaml:"body_contains"`
}

// ResolveFlow returns the shipped flow called nameOrFile, or else loads the
// flow file at that path.
func ResolveFlow(nameOrFile string) (Flow, error) {
	if f, err := FlowByName(nameOrFile); err == nil {
		return f, nil
	}
	if _, err := os.Stat(nameOrFile); err != nil {
		ext := filepath.Ext(nameOrFile)
		if ext != ".yaml" && ext != ".yml" && !strings.ContainsRune(nameOrFile, os.PathSeparator) {
			_, err := FlowByName(nameOrFile)
			return Flow{}, fmt.Errorf("%w, or a flow file (.yaml)", err)
		}
		return Flow{}, fmt.Errorf("read flow file: %w", err)
	}
	return LoadFlow(nameOrFile)
}

// LoadFlow reads and validates a flow file.
func LoadFlow(path string) (Flow, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Flow{}, fmt.Errorf("read flow file: %w", err)
	}
	return ParseFlow(path, data)
}

// ParseFlow decodes a flow file strictly (unknown fields are errors) and
// validates it; every error starts with source:line:col.
func ParseFlow(source string, data []byte) (Flow, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return Flow{}, fmt.Errorf("%s: the flow file is empty; it needs `name:` and `steps:`", source)
	}
	var ff flowFile
	if err := yaml.UnmarshalWithOptions(data, &ff, yaml.Strict()); err != nil {
		return Flow{}, fmt.Errorf("%s:%s", source, yamlError(err))
	}
	at := locator(source, data)
	if strings.TrimSpace(ff.Name) == "" {
		return Flow{}, at("$", "the flow needs a name:")
	}
	if len(ff.Steps) == 0 {
		return Flow{}, at("$", "flow %q has no steps:", ff.Name)
	}
	flow := Flow{Name: ff.Name}
	for i, s := range ff.Steps {
		step, err := s.step(fmt.Sprintf("$.steps[%d]", i), at)
		if err != nil {
			return Flow{}, err
		}
		flow.Steps = append(flow.Steps, step)
	}
	return flow, nil
}

func (s stepFile) step(path string, at func(path, format string, args ...any) error) (Step, error) {
	method := strings.ToUpper(s.Method)
	switch {
	case s.Name == "":
		return Step{}, at(path, "the step needs a name:")
	case !strings.HasPrefix(s.Path, "/"):
		return Step{}, at(path+".path", "step %s: path %q must start with /", s.Name, s.Path)
	case method != "" && !slices.Contains([]string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"}, method):
		return Step{}, at(path+".method", "step %s: unsupported method %q (GET, POST, PUT, PATCH, DELETE, HEAD)", s.Name, s.Method)
	case s.Expect.Status != 0 && (s.Expect.Status < 100 || s.Expect.Status > 599):
		return Step{}, at(path+".expect.status", "step %s: status %d is not an HTTP status", s.Name, s.Expect.Status)
	case s.Expect.Location != "" && !strings.HasPrefix(s.Expect.Location, "/"):
		return Step{}, at(path+".expect.location", "step %s: location %q must be a path starting with /", s.Name, s.Expect.Location)
	case len(s.Form) > 0 && (method == "" || method == "GET" || method == "HEAD"):
		return Step{}, at(path+".form", "step %s: a form needs method POST, PUT, PATCH or DELETE", s.Name)
	}
	step := Step{Name: s.Name, Method: method, Path: s.Path, Follow: s.Follow, Renews: s.Renews,
		Expect: Expect{Status: s.Expect.Status, Location: s.Expect.Location, BodyContains: s.Expect.BodyContains}}
	for j, f := range s.Form {
		fp := fmt.Sprintf("%s.form[%d]", path, j)
		switch {
		case f.Name == "":
			return Step{}, at(fp, "step %s: form field %d needs a name:", s.Name, j)
		case f.Value != "" && f.From != "":
			return Step{}, at(fp, "step %s: form field %s has both value: and from:; keep one", s.Name, f.Name)
		}
		step.Form = append(step.Form, Field(f))
	}
	return step, nil
}

// locator returns a function that makes an error at the YAML node of a
// path such as $.steps[1].path, prefixed with source:line:col.
func locator(source string, data []byte) func(path, format string, args ...any) error {
	file, perr := parser.ParseBytes(data, 0)
	return func(path, format string, args ...any) error {
		msg := fmt.Sprintf(format, args...)
		if perr != nil {
			return fmt.Errorf("%s: %s", source, msg)
		}
		for p := path; p != ""; p = parent(p) {
			yp, err := yaml.PathString(p)
			if err != nil {
				continue
			}
			node, err := yp.FilterFile(file)
			if err != nil || node == nil || node.GetToken() == nil {
				continue
			}
			pos := start(node).Position
			return fmt.Errorf("%s:%d:%d: %s", source, pos.Line, pos.Column, msg)
		}
		return fmt.Errorf("%s:1:1: %s", source, msg)
	}
}

// start is where a node begins: a mapping's first key, not its first colon.
func start(node ast.Node) *yamltoken.Token {
	switch n := node.(type) {
	case *ast.MappingNode:
		if len(n.Values) > 0 {
			return n.Values[0].Key.GetToken()
		}
	case *ast.MappingValueNode:
		return n.Key.GetToken()
	}
	return node.GetToken()
}

// parent drops the last element of a YAML path: $.steps[1].path -> $.steps[1] -> $.steps -> $.
func parent(p string) string {
	if p == "$" {
		return ""
	}
	if strings.HasSuffix(p, "]") {
		return p[:strings.LastIndexByte(p, '[')]
	}
	if i := strings.LastIndexByte(p, '.'); i > 0 {
		return p[:i]
	}
	return "$"
}

// yamlError keeps goccy's "[line:col] message" as "line:col: message".
func yamlError(err error) string {
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	msg = strings.TrimPrefix(msg, "[")
	if i := strings.Index(msg, "] "); i >= 0 {
		msg = msg[:i] + ": " + msg[i+2:]
	}
	return msg
}
