package lab

func init() {
	register(toxicFault("bandwidth",
		"Toxiproxy's bandwidth toxic: limits the link to rate kilobytes per second. At once, on open connections too.",
		Arg{Name: "rate", Kind: ArgInt, Required: true, Doc: "KB/s"}))
}
