package lab

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Arg is one key=value argument of a fault.
type Arg struct {
	Name    string
	Kind    ArgKind
	Values  []string // ArgEnum: the values it takes
	Default string   // "" with Required unset: the zero value
	// Required arguments have no default; the first one may be given bare.
	Required bool
	Doc      string // what it means, with its unit
}

// ArgKind is how an argument's value is read.
type ArgKind string

const (
	// ArgDuration takes milliseconds, as Toxiproxy does (300), or a Go
	// duration (300ms, 1.5s); never negative.
	ArgDuration ArgKind = "duration"
	ArgInt      ArgKind = "int"  // a whole number, never negative
	ArgEnum     ArgKind = "enum" // one of Values
	ArgString   ArgKind = "string"
)

// Args are a fault's checked arguments, every one present (defaults
// applied), so reading them cannot fail.
type Args map[string]string

// Duration reads an ArgDuration.
func (a Args) Duration(name string) time.Duration { d, _ := parseDuration(a[name]); return d }

// Millis reads an ArgDuration in whole milliseconds, Toxiproxy's unit.
func (a Args) Millis(name string) int64 { return a.Duration(name).Milliseconds() }

// Int reads an ArgInt.
func (a Args) Int(name string) int64 { n, _ := strconv.ParseInt(a[name], 10, 64); return n }

// parse checks args against f.Args: every key known, every value readable,
// every required one given; defaults fill the rest.
func (f Fault) parse(args map[string]string) (Args, error) {
	out := Args{}
	for k, v := range args {
		i := slices.IndexFunc(f.Args, func(a Arg) bool { return a.Name == k })
		if i < 0 {
			return nil, fmt.Errorf("unknown argument %q (%s)", k, f.argNames())
		}
		if err := f.Args[i].check(v); err != nil {
			return nil, err
		}
		out[k] = v
	}
	for _, a := range f.Args {
		if _, ok := out[a.Name]; ok {
			continue
		}
		if a.Required {
			return nil, fmt.Errorf("missing argument %s (%s)", a.Name, a.Doc)
		}
		out[a.Name] = a.Default
	}
	return out, nil
}

func (f Fault) argNames() string {
	if len(f.Args) == 0 {
		return "it takes none"
	}
	names := make([]string, len(f.Args))
	for i, a := range f.Args {
		names[i] = a.Name
	}
	return "it takes " + strings.Join(names, ", ")
}

func (a Arg) check(v string) error {
	var ok bool
	var want string
	switch a.Kind {
	case ArgDuration:
		_, err := parseDuration(v)
		ok, want = err == nil, "milliseconds (300) or a duration (300ms, 1s)"
	case ArgInt:
		n, err := strconv.ParseInt(v, 10, 64)
		ok, want = err == nil && n >= 0, "a whole number ≥ 0"
	case ArgEnum:
		ok, want = slices.Contains(a.Values, v), "one of "+strings.Join(a.Values, ", ")
	default:
		ok, want = v != "", "a value"
	}
	if !ok {
		return fmt.Errorf("%s=%q: want %s", a.Name, v, want)
	}
	return nil
}

// parseDuration reads bare milliseconds or a Go duration, never negative.
func parseDuration(v string) (time.Duration, error) {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
		return time.Duration(n) * time.Millisecond, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("bad duration %q", v)
	}
	return d, nil
}

// Check checks args as Perform will, without a lab: a client (ctl) refuses
// bad arguments before it sends anything.
func (f Fault) Check(args map[string]string) error {
	if _, err := f.parse(args); err != nil {
		return inputErrorf("%s: %v", f.Name, err)
	}
	return nil
}
