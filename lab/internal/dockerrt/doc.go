// Package dockerrt is the Docker runtime of the lab: it makes one image of
// the stickylab binary locally (FROM scratch; nothing is ever pulled, and
// nothing compiled unless the running program is not stickylab) whose
// containers run it as `stickylab fakeapp` and `stickylab fakecdn`, creates
// one network per datacenter plus "wan", and starts every node of a plan as a
// container with testcontainers-go, in parallel.
//
// Everything it creates carries the labels stickylab.run (the run id) and
// stickylab.pid (the owning process), so that Clean can remove every lab and
// Sweep the labs whose owner died without tearing them down. Ryuk, the
// testcontainers reaper, is not used: its image cannot be pulled here.
package dockerrt
