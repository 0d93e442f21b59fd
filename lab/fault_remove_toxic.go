package lab

import "context"

func init() {
	register(Fault{
		Name: "remove-toxic", Target: TargetLink,
		Args:      []Arg{{Name: "name", Kind: ArgString, Required: true, Doc: "the toxic's name: its type (latency, bandwidth, …)"}},
		Does:      "Removes one toxic from a WAN link (`ctl toxic list` names them). At once.",
		Interrupt: "One API call: either the toxic is gone or it is not.",
		apply: func(ctx context.Context, l *Lab, link string, a Args) error {
			return l.RemoveToxic(ctx, link, a["name"])
		},
	})
}
