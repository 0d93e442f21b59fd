package haproxy

import (
	"net"
	"os"
	"testing"

	"github.com/stickylab/stickylab/internal/testenv"
)

// requireHAProxy returns the haproxy binary, or skips saying which package
// to install (fails instead under STICKYLAB_REQUIRE_HAPROXY=1).
func requireHAProxy(t *testing.T) string {
	t.Helper()
	bin, err := Binary()
	if err != nil {
		testenv.Skip(t, testenv.RequireHAProxy, "%v", err)
	}
	return bin
}

// listenerFile is a listening socket on a free loopback port, as a file to
// hand to haproxy; both are closed when t ends.
func listenerFile(t *testing.T) *os.File {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	f, err := ln.(*net.TCPListener).File()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
