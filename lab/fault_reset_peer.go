package lab

func init() {
	register(toxicFault("reset_peer",
		"Toxiproxy's reset_peer toxic: resets the link's connections (TCP RST, connection reset by peer), at once or after timeout.",
		Arg{Name: "timeout", Kind: ArgDuration, Default: "0", Doc: "ms or a duration before the reset; 0: at once"}))
}
