package lab

func init() {
	register(toxicFault("slow_close",
		"Toxiproxy's slow_close toxic: delays closing the link's connections by delay after the other side closed.",
		Arg{Name: "delay", Kind: ArgDuration, Required: true, Doc: "ms or a duration"}))
}
