package lab

func init() {
	register(toxicFault("timeout",
		"Toxiproxy's timeout toxic: stops all data from getting through the link and closes the connection after timeout; "+
			"with timeout 0 the connection stays open and data is dropped until the toxic is removed. The edge's health checks time out, "+
			"so it marks the datacenter down. At once.",
		Arg{Name: "timeout", Kind: ArgDuration, Default: "0", Doc: "ms or a duration until the connection is closed; 0: never"}))
}
