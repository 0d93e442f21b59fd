package lab

import (
	"context"
	"strings"
)

func init() {
	register(Fault{
		Name: "remove-toxic", Target: TargetLink,
		Args:      []Arg{{Name: "name", Kind: ArgString, Required: true, Doc: "the toxic's name: its type (latency, bandwidth, …)"}},
		Does:      "Removes one toxic from a WAN link (`ctl toxic list` names them). At once.",
		Interrupt: "One API call: either the toxic is gone or it is not.",
		apply: func(ctx context.Context, l *Lab, link string, a Args) error {
			if err := l.hasToxic(ctx, link, a["name"]); err != nil {
				return err
			}
			return l.RemoveToxic(ctx, link, a["name"])
		},
	})
}

// hasToxic is nil when link has a toxic called name, else an input error
// naming the toxics it has.
func (l *Lab) hasToxic(ctx context.Context, link, name string) error {
	links, err := l.Links(ctx)
	if err != nil {
		return err
	}
	var names []string
	for _, s := range links {
		if s.Name != link {
			continue
		}
		for _, t := range s.Toxics {
			if t.Name == name {
				return nil
			}
			names = append(names, t.Name)
		}
	}
	if len(names) == 0 {
		return inputErrorf("remove-toxic %s: toxic not found: the link has no toxics", link)
	}
	return inputErrorf("remove-toxic %s: toxic not found: %q (it has %s)", link, name, strings.Join(names, ", "))
}
