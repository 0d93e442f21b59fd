//go:build !unix

package dockerrt

import "context"

// lockBuild does not lock here: parallel processes may build one tag twice.
func lockBuild(context.Context, string) (func(), error) { return func() {}, nil }

// lockSweep does not lock here: parallel sweepers may share the removals.
func lockSweep(context.Context) (func(), error) { return func() {}, nil }

// processGone cannot tell here, so Sweep leaves such runs to Clean.
func processGone(int) bool { return false }
