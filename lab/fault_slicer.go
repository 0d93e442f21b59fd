package lab

func init() {
	register(toxicFault("slicer",
		"Toxiproxy's slicer toxic: slices the data crossing the link into small packets of average_size ± size_variation bytes, "+
			"optionally delay microseconds apart. Data arrives whole, in pieces.",
		Arg{Name: "average_size", Kind: ArgInt, Required: true, Doc: "bytes per packet"},
		Arg{Name: "size_variation", Kind: ArgInt, Default: "0", Doc: "± bytes, less than average_size"},
		Arg{Name: "delay", Kind: ArgInt, Default: "0", Doc: "µs between packets"}))
}
