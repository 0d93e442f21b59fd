package policy

import (
	"fmt"
	"slices"
	"strings"
)

// FieldError is one invalid field, named as in the configuration file
// ("cookie.codec", "members[1].weight").
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

// ConfigError lists every invalid field; its message is one line.
type ConfigError []*FieldError

func (e ConfigError) Error() string {
	parts := make([]string, len(e))
	for i, f := range e {
		parts[i] = f.Error()
	}
	return strings.Join(parts, "; ")
}

// Unwrap exposes each FieldError to errors.As.
func (e ConfigError) Unwrap() []error {
	out := make([]error, len(e))
	for i, f := range e {
		out[i] = f
	}
	return out
}

// Err is e, or nil when it lists nothing.
func (e ConfigError) Err() error {
	if len(e) == 0 {
		return nil
	}
	return e
}

// add records a problem with field.
func (e *ConfigError) add(field, format string, args ...any) {
	*e = append(*e, &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)})
}

// oneOf records a problem when v is not in set.
func oneOf[T ~string](e *ConfigError, field string, v T, set []T) {
	if !slices.Contains(set, v) {
		names := make([]string, len(set))
		for i, s := range set {
			names[i] = string(s)
		}
		e.add(field, "%q is not one of %s", v, strings.Join(names, ", "))
	}
}

// optional records a problem when v is set and not in set.
func optional[T ~string](e *ConfigError, field string, v T, set []T) {
	if v != "" {
		oneOf(e, field, v, set)
	}
}

// nonNegative records a problem when d is negative.
func nonNegative(e *ConfigError, field string, d Duration) {
	if d < 0 {
		e.add(field, "must not be negative")
	}
}

// OneOf is v as a T when it is in set; otherwise the error says
// `<field> "v" is not one of a, b, c`.
func OneOf[T ~string](field, v string, set []T) (T, error) {
	var errs ConfigError
	oneOf(&errs, field, T(v), set)
	if len(errs) > 0 {
		return "", fmt.Errorf("%s %s", field, errs[0].Msg)
	}
	return T(v), nil
}

// Names are the values of an enum list as strings (for a list of choices).
func Names[T ~string](set []T) []string {
	out := make([]string, len(set))
	for i, v := range set {
		out[i] = string(v)
	}
	return out
}
