package lab

import "fmt"

// Option configures Up, Prepare and Clean. Options are applied after the
// defaults, in order; one that fails stops Up before anything starts.
type Option func(*options) error

type options struct {
	runtime string
	logf    func(format string, args ...any)
}

func newOptions(opts []Option) (options, error) {
	o := options{runtime: "auto", logf: func(string, ...any) {}}
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return o, err
		}
	}
	return o, nil
}

// WithRuntime chooses where the lab runs: "auto" (the default: Docker when an
// engine answers, else local), "docker" or "local".
func WithRuntime(name string) Option {
	return func(o *options) error {
		switch name {
		case "auto", "docker", "local":
			o.runtime = name
			return nil
		}
		return fmt.Errorf("unknown runtime %q: want auto, docker or local", name)
	}
}

// WithLogf receives the lab's progress lines: which runtime was picked and
// why, image builds, how long Up took. nil discards them.
func WithLogf(logf func(format string, args ...any)) Option {
	return func(o *options) error {
		if logf == nil {
			logf = func(string, ...any) {}
		}
		o.logf = logf
		return nil
	}
}
