package localrt

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
)

// echo serves one line back per connection until closed.
func echo(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); io.Copy(c, c) }()
		}
	}()
	return ln.Addr().String()
}

func roundTrip(c net.Conn) (string, error) {
	if _, err := io.WriteString(c, "ping\n"); err != nil {
		return "", err
	}
	return bufio.NewReader(c).ReadString('\n')
}

func TestALinkForwardsIsCutAndRestoredOnTheSameAddress(t *testing.T) {
	target := echo(t)
	ln, err := listenAny()
	if err != nil {
		t.Fatal(err)
	}
	l := newLink(ln, func() string { return target })
	t.Cleanup(l.Close)

	c, err := net.Dial("tcp", l.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got, err := roundTrip(c); got != "ping\n" || err != nil {
		t.Fatalf("through the link: %q, %v", got, err)
	}

	l.Cut(cutPartition)
	if _, err := roundTrip(c); err == nil {
		t.Fatal("an open connection must be cut with the link")
	}
	if c2, err := net.Dial("tcp", l.addr); err == nil {
		c2.Close()
		t.Fatal("a cut link must refuse connections")
	}
	l.Cut(cutPartition) // idempotent

	if err := l.Restore(cutPartition); err != nil {
		t.Fatal(err)
	}
	if err := l.Restore(cutPartition); err != nil {
		t.Fatalf("restore twice: %v", err)
	}
	c3, err := net.Dial("tcp", l.addr)
	if err != nil {
		t.Fatalf("a restored link listens on %s again: %v", l.addr, err)
	}
	defer c3.Close()
	if got, err := roundTrip(c3); got != "ping\n" || err != nil {
		t.Fatalf("through the restored link: %q, %v", got, err)
	}
}

func TestALinkToADownTargetClosesTheClient(t *testing.T) {
	ln, _ := listenAny()
	dead, _ := listenAny()
	deadAddr := dead.Addr().String()
	dead.Close()
	l := newLink(ln, func() string { return deadAddr })
	t.Cleanup(l.Close)
	c, err := net.Dial("tcp", l.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := roundTrip(c); err == nil {
		t.Fatal("want the connection closed when the target is down")
	}
	l.Close()
	if err := l.Restore(cutPartition); err == nil {
		t.Fatal("a closed link cannot be restored")
	}
}

func TestALinkStaysCutUntilEveryReasonIsLifted(t *testing.T) {
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer target.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := newLink(ln, func() string { return target.Listener.Addr().String() })
	defer l.Close()

	l.Cut(cutPartition)
	l.Cut(cutStopped)
	if err := l.Restore(cutStopped); err != nil {
		t.Fatal(err)
	}
	if c, err := net.Dial("tcp", l.addr); err == nil {
		c.Close()
		t.Fatal("a partitioned link must stay cut when its LB starts again")
	}
	if err := l.Restore(cutPartition); err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", l.addr)
	if err != nil {
		t.Fatalf("with every reason lifted the link must accept again: %v", err)
	}
	c.Close()
}
