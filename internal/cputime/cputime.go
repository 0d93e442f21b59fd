// Package cputime reads the process's CPU time, for benchmarks: on a shared
// machine CPU time per operation varies less with the neighbours' load
// than wall time does.
package cputime

import (
	"syscall"
	"time"
)

// Process is the process's user and system CPU time so far.
func Process() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
