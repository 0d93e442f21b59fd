package lab

// DatacenterFault says what the lab's own faults did to a datacenter:
// "stopped" (StopDatacenter), "partitioned" (PartitionDatacenter) or "".
// A dashboard uses it to tell a stopped datacenter from a cut-off one,
// which the edge's health checks alone cannot.
func (l *Lab) DatacenterFault(dc string) string {
	l.faultMu.Lock()
	defer l.faultMu.Unlock()
	switch {
	case l.stopped[dc]:
		return "stopped"
	case l.partitioned[dc]:
		return "partitioned"
	}
	return ""
}
