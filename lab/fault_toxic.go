package lab

import "context"

// toxicFault is a Toxiproxy toxic as a fault on a WAN link: its arguments
// are the toxic's attributes (durations sent in milliseconds), plus the
// stream it acts on. Setting it again replaces it; `toxic remove LINK TYPE`
// (the remove-toxic fault) removes it.
func toxicFault(typ, does string, attrs ...Arg) Fault {
	args := append(attrs, Arg{Name: "stream", Kind: ArgEnum, Values: []string{"downstream", "upstream"}, Default: "downstream",
		Doc: "downstream acts on what the datacenter sends back, upstream on what the edge sends"})
	return Fault{
		Name: typ, Target: TargetLink, Args: args, Does: does,
		Interrupt: "One API call: either the toxic is set or it is not. `toxic remove LINK " + typ + "` removes it.",
		apply: func(ctx context.Context, l *Lab, link string, a Args) error {
			t := Toxic{Name: typ, Type: typ, Stream: a["stream"], Attributes: map[string]int64{}}
			for _, arg := range attrs {
				if arg.Kind == ArgDuration {
					t.Attributes[arg.Name] = a.Millis(arg.Name)
				} else {
					t.Attributes[arg.Name] = a.Int(arg.Name)
				}
			}
			return l.SetToxic(ctx, link, t)
		},
	}
}
