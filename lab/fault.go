package lab

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// A Fault is one change the lab can make to itself while it runs, described
// the way Toxiproxy describes its toxics: its name, what it applies to, its
// arguments with their units, what it does, and what an interruption
// leaves. Each fault is one file (fault_<name>.go) that registers itself;
// the control endpoint of `stickylab up`, `stickylab ctl`, the dashboard
// and docs/cli.md take the list from Faults.
type Fault struct {
	Name   string     // as ctl and POST /faults name it: stop, latency, bandwidth
	Target TargetKind // what it applies to
	Args   []Arg      // key=value arguments; the first may be given bare (ctl latency dc-west 200ms)
	Does   string     // what it does and when it returns
	// Interrupt says what is left when ctx ends before the fault has taken
	// effect (every wait honours ctx), and what undoes it.
	Interrupt string
	apply     func(ctx context.Context, l *Lab, target string, a Args) error
}

// TargetKind is what a fault applies to.
type TargetKind string

const (
	TargetDatacenter TargetKind = "datacenter"          // dc-east
	TargetInstance   TargetKind = "instance"            // dc-east-1
	TargetNode       TargetKind = "datacenter|instance" // either
	TargetBalancer   TargetKind = "edge|datacenter"     // a load balancer: the edge or a datacenter's
	TargetLink       TargetKind = "link"                // a WAN link: a datacenter's name for the edge's link to it
)

var registry = map[string]Fault{}

// register adds f to the registry; each fault file calls it from init.
func register(f Fault) {
	if _, dup := registry[f.Name]; dup || f.apply == nil {
		panic("lab: fault " + f.Name + " registered twice or without apply")
	}
	registry[f.Name] = f
}

// Faults lists every fault, by name.
func Faults() []Fault {
	out := make([]Fault, 0, len(registry))
	for _, name := range slices.Sorted(maps.Keys(registry)) {
		out = append(out, registry[name])
	}
	return out
}

// FaultNamed returns the fault called name, or an input error listing them.
func FaultNamed(name string) (Fault, error) {
	f, ok := registry[name]
	if !ok {
		return Fault{}, inputErrorf("unknown fault %q (have %s)", name, strings.Join(slices.Sorted(maps.Keys(registry)), ", "))
	}
	return f, nil
}

// Perform applies the fault called name to target with args (key → value,
// as `ctl` takes them: latency=300 jitter=50). It returns once the fault has
// taken effect, as the fault's own method does. An unknown fault, target,
// argument or a bad value is an *InputError naming it, and nothing changes.
func (l *Lab) Perform(ctx context.Context, name, target string, args map[string]string) error {
	f, err := FaultNamed(name)
	if err != nil {
		return err
	}
	if err := l.checkTarget(f.Target, target); err != nil {
		return inputErrorf("%s %s: %v", name, target, err)
	}
	a, err := f.parse(args)
	if err != nil {
		return inputErrorf("%s %s: %v", name, target, err)
	}
	return f.apply(ctx, l, target, a)
}

// checkTarget says whether target is of kind in this lab.
func (l *Lab) checkTarget(kind TargetKind, target string) error {
	var err error
	switch kind {
	case TargetDatacenter:
		_, err = l.datacenter(target)
	case TargetInstance:
		_, err = l.instance(target)
	case TargetNode:
		if _, err = l.datacenter(target); err != nil {
			if _, ierr := l.instance(target); ierr == nil {
				err = nil
			} else {
				err = fmt.Errorf("%q is neither a datacenter (%s) nor an instance (%s)", target, strings.Join(l.datacenters(), ", "), strings.Join(l.instances(), ", "))
			}
		}
	case TargetBalancer:
		_, err = l.lbNode(target)
	case TargetLink:
		_, err = l.plan.Link(target)
	default:
		err = fmt.Errorf("unknown target kind %q", kind)
	}
	return err
}

// InputError is a fault asked for with a bad name, target or argument:
// the caller's mistake, and nothing was changed.
type InputError struct{ msg string }

func (e *InputError) Error() string { return e.msg }

func inputErrorf(format string, args ...any) error {
	return &InputError{msg: fmt.Sprintf(format, args...)}
}
