package fakecdn

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// serveFast serves lb with a FastServer on 127.0.0.1 until the test ends
// and returns its base URL.
func serveFast(t testing.TB, lb *LB) string {
	t.Helper()
	return serveFastOn(t, lb, nil)
}

// serveFastOn is serveFast over TLS with cfg, or plain HTTP when cfg is nil.
func serveFastOn(t testing.TB, lb *LB, cfg *tls.Config) string {
	t.Helper()
	_, addr := startFast(t, lb, cfg, &http.Server{ReadHeaderTimeout: 10 * time.Second, IdleTimeout: time.Minute})
	if cfg != nil {
		return "https://" + addr
	}
	return "http://" + addr
}

// startFast serves lb with a FastServer built on srv on 127.0.0.1, over
// TLS with cfg unless it is nil, until the test ends.
func startFast(t testing.TB, lb *LB, cfg *tls.Config, srv *http.Server) (*FastServer, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if cfg != nil {
		ln = tls.NewListener(ln, cfg)
	}
	fs := NewFastServer(lb, srv)
	go func() { _ = fs.Serve(ln) }()
	t.Cleanup(func() { fs.Close() })
	return fs, addr
}

// startOld starts httptest's server for h, over TLS when secure; for TLS
// it also returns the configuration FastServer gets (the same certificate)
// and a client configuration that trusts it.
func startOld(t testing.TB, h http.Handler, secure bool) (srv *httptest.Server, server, client *tls.Config) {
	t.Helper()
	srv = httptest.NewUnstartedServer(h)
	t.Cleanup(srv.Close)
	if !secure {
		srv.Start()
		return srv, nil, nil
	}
	srv.StartTLS()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	return srv, &tls.Config{Certificates: srv.TLS.Certificates}, &tls.Config{RootCAs: pool}
}

// refusedURL is the URL of a port nothing listens on any more.
func refusedURL(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

// pinPlaceholder in a case's header is replaced by the LB's own valid cookie.
const pinPlaceholder = "$PIN"

// serverCorpus is the transport corpus plus what the servers differ on:
// persistence cookies valid, invalid and absent, and keep-alive sequences
// (the client reuses its connections across the whole corpus).
func serverCorpus() []diffCase {
	cs := diffCorpus()
	return append(cs,
		diffCase{name: "cookie-valid", method: "GET", path: "/echo", header: map[string]string{"Cookie": "a=1; lbs=" + pinPlaceholder}},
		diffCase{name: "cookie-valid-post", method: "POST", path: "/echo", body: []byte("user=ann"), header: map[string]string{"Cookie": "lbs=" + pinPlaceholder}},
		diffCase{name: "cookie-invalid", method: "GET", path: "/echo", header: map[string]string{"Cookie": "lbs=!bm90IGEgY29va2ll"}},
		diffCase{name: "cookie-absent", method: "GET", path: "/echo", header: map[string]string{"Cookie": "other=1"}},
		diffCase{name: "xff-chain", method: "GET", path: "/echo", header: map[string]string{"X-Forwarded-For": "198.51.100.1", "X-Forwarded-Host": "www.example", "X-Forwarded-Proto": "https", "Forwarded": "for=x"}},
		diffCase{name: "pragma", method: "GET", path: "/echo", header: map[string]string{"Pragma": "no-cache"}},
		diffCase{name: "escaped-path", method: "GET", path: "/echo/%7Euser/a%20b?x=%20"},
		diffCase{name: "no-content-post", method: "POST", path: "/status/204", body: []byte("x=1")},
		diffCase{name: "head-empty", method: "HEAD", path: "/status/200"},
		diffCase{name: "get-close-again", method: "GET", path: "/large", close: true},
	)
}

// TestServersAgree sends the same corpus through an LB served by net/http's
// server and one served by FastServer, for a cookie-persistent pool, a
// pool whose first member refuses connections (redispatch), and one whose
// only member is down (503), over plain HTTP and over TLS; it compares
// what the client saw: status, 1xx, framing, headers but Date and timing
// values, body (the member's echo of X-Forwarded-Proto among them),
// trailers.
func TestServersAgree(t *testing.T) {
	for _, secure := range []bool{false, true} {
		t.Run(map[bool]string{false: "http", true: "https"}[secure], func(t *testing.T) { serversAgree(t, secure) })
	}
}

func serversAgree(t *testing.T, secure bool) {
	origin := diffOrigin(t)
	persistent := policy.Tier{Selection: "round-robin", Persistence: "cookie", Cookie: CookieConfig{Name: "lbs", Codec: "f5-encrypted"}}
	for _, tc := range []struct {
		name    string
		members []MemberConfig
		down    string
	}{
		{name: "persistent", members: []MemberConfig{{Name: "a", URL: origin.URL, Weight: 1}, {Name: "b", URL: origin.URL, Weight: 1}}},
		{name: "redispatch", members: []MemberConfig{{Name: "refused", URL: refusedURL(t), Weight: 1}, {Name: "b", URL: origin.URL, Weight: 1}}},
		{name: "member-down", members: []MemberConfig{{Name: "a", URL: origin.URL, Weight: 1}}, down: "a"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			build := func() *LB {
				lb := newTestLB(t, Config{Role: "dc", Name: "dc-east", Members: tc.members, Tier: persistent})
				if tc.down != "" {
					if err := lb.SetMember(tc.down, MemberPatch{State: new("down")}); err != nil {
						t.Fatal(err)
					}
				}
				return lb
			}
			oldLB, newLB := build(), build()
			oldSrv, serverTLS, clientTLS := startOld(t, oldLB, secure)
			oldURL, newURL := oldSrv.URL, serveFastOn(t, newLB, serverTLS)
			client := &http.Client{
				Transport:     &http.Transport{DisableCompression: true, TLSClientConfig: clientTLS},
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
			}
			t.Cleanup(client.CloseIdleConnections)
			oldPin, newPin := cookieValue(setCookie(do(t, oldLB, nil), "lbs")), cookieValue(setCookie(do(t, newLB, nil), "lbs"))
			for _, c := range serverCorpus() {
				want := sendDiff(t, client, oldURL, withPin(c, oldPin)).String()
				got := sendDiff(t, client, newURL, withPin(c, newPin)).String()
				if got != want {
					t.Errorf("%s: the servers disagree\nnet/http:\n%s\nfast:\n%s", c.name, want, got)
				}
			}
		})
	}
}

func withPin(c diffCase, pin string) diffCase {
	c.header = maps.Clone(c.header)
	for k, v := range c.header {
		c.header[k] = strings.ReplaceAll(v, pinPlaceholder, pin)
	}
	return c
}

// rawScripts are byte streams a client may send on one connection: the
// malformed and unusual ones FastServer hands to net/http, pipelined and
// mixed sequences. Each ends in a request that closes the connection, or
// in input after which net/http's server closes it.
var rawScripts = []struct{ name, in string }{
	{"pipelined", "GET /echo?1 HTTP/1.1\r\nHost: portal.example\r\n\r\nGET /echo?2 HTTP/1.1\r\nHost: portal.example\r\nConnection: close\r\n\r\n"},
	{"no host", "GET /echo HTTP/1.1\r\n\r\n"},
	{"two hosts", "GET /echo HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"},
	{"garbage", "GARBAGE\r\n\r\n"},
	{"bad header", "GET /echo HTTP/1.1\r\nHost: portal.example\r\nBad Header: x\r\n\r\n"},
	{"http/1.0", "GET /echo HTTP/1.0\r\nHost: portal.example\r\n\r\n"},
	{"absolute form", "GET http://portal.example/echo HTTP/1.1\r\nHost: other\r\nConnection: close\r\n\r\n"},
	{"query to clean", "GET /echo?a=1;b=2&c=%zz HTTP/1.1\r\nHost: portal.example\r\nConnection: close\r\n\r\n"},
	{"get with body", "GET /echo HTTP/1.1\r\nHost: portal.example\r\nContent-Length: 5\r\n\r\nhelloGET /echo HTTP/1.1\r\nHost: portal.example\r\nConnection: close\r\n\r\n"},
	{"chunked request then fast", "POST /echo HTTP/1.1\r\nHost: portal.example\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nGET /echo HTTP/1.1\r\nHost: portal.example\r\nConnection: close\r\n\r\n"},
	{"fast then chunked request", "GET /echo HTTP/1.1\r\nHost: portal.example\r\n\r\nPOST /echo HTTP/1.1\r\nHost: portal.example\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n"},
	{"bad length", "POST /echo HTTP/1.1\r\nHost: portal.example\r\nContent-Length: 5x\r\n\r\nhello"},
	{"two lengths", "POST /echo HTTP/1.1\r\nHost: portal.example\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"},
	{"large head", "GET /echo HTTP/1.1\r\nHost: portal.example\r\nX-Big: " + strings.Repeat("b", 8<<10) + "\r\nConnection: close\r\n\r\n"},
	{"folded", "GET /echo HTTP/1.1\r\nHost: portal.example\r\nX-A: a\r\n b\r\nConnection: close\r\n\r\n"},
	{"lowercase", "get /echo HTTP/1.1\r\nhost: portal.example\r\nx-lower: yes\r\nconnection: close\r\n\r\n"},
	{"upgrade", "GET /echo HTTP/1.1\r\nHost: portal.example\r\nConnection: Upgrade, close\r\nUpgrade: websocket\r\n\r\n"},
	{"half a head", "GET /echo HTTP/1.1\r\nHost: portal.exa"},
}

// TestServersAgreeRaw sends rawScripts to both servers over raw
// connections, plain and TLS, and compares every response read until the
// server closed. Over TLS the scripts FastServer hands over check that
// net/http's server still sees the TLS state (the member's echo of
// X-Forwarded-Proto).
func TestServersAgreeRaw(t *testing.T) {
	origin := diffOrigin(t)
	cfg := Config{Role: "dc", Name: "dc-east", Members: []MemberConfig{{Name: "a", URL: origin.URL, Weight: 1}}, Tier: policy.Tier{Selection: "round-robin"}}
	for _, secure := range []bool{false, true} {
		oldSrv, serverTLS, clientTLS := startOld(t, newTestLB(t, cfg), secure)
		oldURL, newURL := oldSrv.URL, serveFastOn(t, newTestLB(t, cfg), serverTLS)
		for _, sc := range rawScripts {
			t.Run(map[bool]string{false: "http/", true: "https/"}[secure]+sc.name, func(t *testing.T) {
				want, got := sendRaw(t, oldURL, clientTLS, sc.in), sendRaw(t, newURL, clientTLS, sc.in)
				if got != want {
					t.Errorf("the servers disagree\nnet/http:\n%s\nfast:\n%s", want, got)
				}
			})
		}
	}
}

// sendRaw writes in to base's host, over TLS with clientTLS when set, and
// renders each response until EOF. It half-closes only after an incomplete
// head: net/http's server takes a client's EOF for a client gone, and
// cancels its request, where FastServer answers.
func sendRaw(t *testing.T, base string, clientTLS *tls.Config, in string) string {
	t.Helper()
	addr := base[strings.Index(base, "://")+3:]
	var conn net.Conn
	var err error
	if clientTLS != nil {
		conn, err = tls.Dial("tcp", addr, clientTLS)
	} else {
		conn, err = net.Dial("tcp", addr)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second)) // a hang fails instead of blocking the suite
	if _, err := io.WriteString(conn, in); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(in, "\r\n\r\n") && !strings.Contains(in, "Content-Length") {
		_ = conn.(interface{ CloseWrite() error }).CloseWrite()
	}
	br := bufio.NewReader(conn)
	var out strings.Builder
	for {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
				out.WriteString("read: " + err.Error() + "\n")
			}
			return out.String()
		}
		b, err := io.ReadAll(resp.Body)
		o := outcome{status: resp.StatusCode, header: resp.Header, body: string(b), trailer: resp.Trailer}
		o.framing = "length " + resp.Header.Get("Content-Length") + " te " + strings.Join(resp.TransferEncoding, ",")
		out.WriteString(o.String() + "\n---\n")
		if err != nil {
			out.WriteString("read body: " + err.Error() + "\n")
			return out.String()
		}
	}
}
