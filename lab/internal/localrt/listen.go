package localrt

import (
	"errors"
	"fmt"
	"net"
	"syscall"
	"time"
)

// rebindTimeout bounds how long a restarted node waits for its old port.
const rebindTimeout = 2 * time.Second

// listenAny opens a listener on a free loopback port.
func listenAny() (net.Listener, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen on 127.0.0.1:0: %w", err)
	}
	return ln, nil
}

// listenAgain reopens addr for a restarted node: members and links point at
// it, so the address must not change. Go sets SO_REUSEADDR, so TIME_WAIT does
// not block; a brief retry covers a close that has not finished yet.
func listenAgain(addr string) (net.Listener, error) {
	deadline := time.Now().Add(rebindTimeout)
	for wait := time.Millisecond; ; wait = min(2*wait, 100*time.Millisecond) {
		ln, err := net.Listen("tcp", addr)
		if err == nil {
			return ln, nil
		}
		if !errors.Is(err, syscall.EADDRINUSE) || time.Now().After(deadline) {
			return nil, fmt.Errorf("listen again on %s: %w", addr, err)
		}
		time.Sleep(wait) // a retry back-off, not a readiness wait
	}
}
