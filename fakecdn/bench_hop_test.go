package fakecdn

import (
	"bufio"
	"bytes"
	"errors"
	"net"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/stickylab/stickylab/internal/cputime"
)

// BenchmarkProxyHop is one proxied request as the fakecdn process sees it,
// and nothing else: a client writing raw HTTP/1.1 over a kept-alive
// connection to the LB's own net/http server, and a member answering a
// canned response from raw TCP. Neither allocates per request, so allocs/op
// and B/op are the LB's: net/http's server reading the request and writing
// the response, plus the proxy hop between them.
func BenchmarkProxyHop(b *testing.B) {
	lb, pin := cannedLB(b)
	srv := httptest.NewServer(lb)
	b.Cleanup(srv.Close)
	benchHop(b, srv.Listener.Addr().String(), pin)
}

// BenchmarkProxyServer is the A/B of the server in front of the LB: the
// same LB, members and requests as BenchmarkProxyHop, served by net/http's
// server and by FastServer, side by side in one run.
func BenchmarkProxyServer(b *testing.B) {
	lb, pin := cannedLB(b)
	b.Run("server=net-http", func(b *testing.B) {
		srv := httptest.NewServer(lb)
		b.Cleanup(srv.Close)
		benchHop(b, srv.Listener.Addr().String(), pin)
	})
	b.Run("server=fast", func(b *testing.B) {
		benchHop(b, strings.TrimPrefix(serveFast(b, lb), "http://"), pin)
	})
}

// cannedLB is a dc LB over two canned members, and a valid pin for it.
func cannedLB(b *testing.B) (*LB, string) {
	x, y := newCannedMember(b), newCannedMember(b)
	cfg := dcConfig()
	cfg.Members = []MemberConfig{{Name: "dc-east-1", URL: "http://" + x, Weight: 1}, {Name: "dc-east-2", URL: "http://" + y, Weight: 1}}
	lb := newTestLB(b, cfg)
	return lb, cookieValue(setCookie(do(b, lb, nil), "lbs"))
}

func benchHop(b *testing.B, addr, pin string) {
	req := []byte("GET /login HTTP/1.1\r\nHost: portal.example\r\nUser-Agent: bench/1\r\nAccept: */*\r\nCookie: lbs=" + pin + "\r\n\r\n")
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cputime.Process()
	defer func() { b.ReportMetric(float64(cputime.Process()-cpu0)/float64(b.N), "cpu-ns/op") }()
	b.RunParallel(func(pb *testing.PB) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			b.Error(err)
			return
		}
		defer conn.Close()
		br := bufio.NewReaderSize(conn, 16<<10)
		for pb.Next() {
			if _, err := conn.Write(req); err != nil {
				b.Error(err)
				return
			}
			if err := discardResponse(br); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// cannedResponse is what the canned member answers to every request,
// the health checks included: a small page like benchbackend's.
var cannedResponse = func() []byte {
	body := "<html><body>" + strings.Repeat("x", 512) + "</body></html>\n"
	return []byte("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nX-Served-By: canned\r\n" +
		"Server-Timing: app;dur=0.05\r\nDate: Wed, 02 Dec 2026 04:00:00 GMT\r\nContent-Length: " +
		strconv.Itoa(len(body)) + "\r\n\r\n" + body)
}()

// newCannedMember listens on 127.0.0.1 and answers cannedResponse to each
// request head (requests carry no body); it returns the address.
func newCannedMember(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go serveCanned(c)
		}
	}()
	return l.Addr().String()
}

func serveCanned(c net.Conn) {
	defer c.Close()
	br := bufio.NewReaderSize(c, 16<<10)
	for {
		for {
			line, err := br.ReadSlice('\n')
			if err != nil {
				return
			}
			if len(line) <= 2 { // the blank line ending the head
				break
			}
		}
		if _, err := c.Write(cannedResponse); err != nil {
			return
		}
	}
}

// discardResponse reads one response with a Content-Length body from br
// without allocating.
func discardResponse(br *bufio.Reader) error {
	status, err := br.ReadSlice('\n')
	if err != nil {
		return err
	}
	if !bytes.HasPrefix(status, []byte("HTTP/1.1 200 ")) {
		return errors.New("response: " + string(status))
	}
	n := -1
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return err
		}
		if len(line) <= 2 {
			break
		}
		if k, v, ok := bytes.Cut(line, []byte(":")); ok && bytes.EqualFold(k, []byte("Content-Length")) {
			if n, err = strconv.Atoi(string(bytes.TrimSpace(v))); err != nil {
				return err
			}
		}
	}
	if n < 0 {
		return errors.New("response without Content-Length")
	}
	_, err = br.Discard(n)
	return err
}
