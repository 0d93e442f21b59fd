package topology

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/goccy/go-yaml"
)

// Load reads, defaults and validates a topology file.
func Load(path string) (Topology, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Topology{}, fmt.Errorf("read topology: %w", err)
	}
	return Parse(path, data)
}

// Parse decodes a topology file strictly (unknown fields are errors), applies
// the defaults and validates. source names the file in error messages.
func Parse(source string, data []byte) (Topology, error) {
	var t Topology
	if len(bytes.TrimSpace(data)) == 0 {
		return t, fmt.Errorf("%s: the topology file is empty; it needs at least `datacenters:`", source)
	}
	if err := yaml.UnmarshalWithOptions(data, &t, yaml.Strict()); err != nil {
		return t, fmt.Errorf("%s:%s", source, firstLine(err))
	}
	explicit, err := explicitZeros(data)
	if err != nil {
		return t, fmt.Errorf("%s:%s", source, firstLine(err))
	}
	t = t.WithDefaults()
	verr := t.Validate()
	problems := explicit
	var ve *ValidationError
	if errors.As(verr, &ve) {
		problems = append(problems, ve.Problems...)
	}
	if len(problems) > 0 {
		return t, &ValidationError{Source: source, Problems: problems}
	}
	return t, nil
}

// explicitZeros finds weights and instance counts written as 0, which the
// defaults would otherwise silently replace (negative ones survive the
// defaults, and Validate reports them).
func explicitZeros(data []byte) ([]Problem, error) {
	var shadow struct {
		Datacenters []struct {
			Weight    *float64 `yaml:"weight"`
			Instances *int     `yaml:"instances"`
		} `yaml:"datacenters"`
	}
	if err := yaml.Unmarshal(data, &shadow); err != nil {
		return nil, err
	}
	var problems []Problem
	for i, dc := range shadow.Datacenters {
		if dc.Weight != nil && *dc.Weight == 0 {
			problems = append(problems, Problem{fmt.Sprintf("datacenters[%d].weight", i), fmt.Sprintf("must be > 0, got %g", *dc.Weight)})
		}
		if dc.Instances != nil && *dc.Instances == 0 {
			problems = append(problems, Problem{fmt.Sprintf("datacenters[%d].instances", i), fmt.Sprintf("must be at least 1, got %d", *dc.Instances)})
		}
	}
	return problems, nil
}

// firstLine keeps goccy's "[line:col] message" and drops its source excerpt,
// so the CLI can print one line.
func firstLine(err error) string {
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
