package policy

import (
	"fmt"
	"time"
)

// Duration is a time.Duration written as a string ("1s", "150ms") in YAML
// and JSON.
type Duration time.Duration

// MarshalText writes the duration as time.Duration.String does.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// UnmarshalText parses "1s", "150ms", ...; a bare "0" is zero.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("%q is not a duration like \"1s\" or \"150ms\"", b)
	}
	*d = Duration(v)
	return nil
}

// Std returns the time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }

// String is the duration as time.Duration writes it.
func (d Duration) String() string { return time.Duration(d).String() }
