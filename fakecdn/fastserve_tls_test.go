package fakecdn

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// echoLBConfig is an edge in front of diffOrigin.
func echoLBConfig(t *testing.T) Config {
	return Config{Role: "edge", Name: "edge", Members: []MemberConfig{{Name: "a", URL: diffOrigin(t).URL, Weight: 1}}, Tier: policy.Tier{Selection: "round-robin"}}
}

// A client that speaks plain HTTP to the TLS port gets net/http's own
// answer from FastServer too.
func TestFastServerAnswersPlainHTTPOnItsTLSPortAsNetHTTPDoes(t *testing.T) {
	cfg := echoLBConfig(t)
	oldSrv, serverTLS, _ := startOld(t, newTestLB(t, cfg), true)
	newURL := serveFastOn(t, newTestLB(t, cfg), serverTLS)
	in := "GET /echo HTTP/1.1\r\nHost: portal.example\r\n\r\n"
	want, got := sendRaw(t, strings.Replace(oldSrv.URL, "https", "http", 1), nil, in), sendRaw(t, strings.Replace(newURL, "https", "http", 1), nil, in)
	if got != want || !strings.Contains(got, "status 400") {
		t.Fatalf("plain HTTP to the TLS port\nnet/http:\n%s\nfast:\n%s", want, got)
	}
}

// A client that negotiates HTTP/2 is served by net/http's server, with the
// request's TLS state: the member hears X-Forwarded-Proto: https.
func TestFastServerHandsHTTP2ToNetHTTP(t *testing.T) {
	_, serverTLS, clientTLS := startOld(t, http.NotFoundHandler(), true) // its certificate
	serverTLS.NextProtos = []string{"h2", "http/1.1"}
	fs, addr := startFast(t, newTestLB(t, echoLBConfig(t)), serverTLS, &http.Server{ReadHeaderTimeout: 10 * time.Second})
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: clientTLS, ForceAttemptHTTP2: true}}
	t.Cleanup(client.CloseIdleConnections)
	resp, err := client.Get("https://" + addr + "/echo")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.ProtoMajor != 2 || !strings.Contains(string(body), `X-Forwarded-Proto: ["https"]`) {
		t.Fatalf("%s %d, the member heard:\n%s", resp.Proto, resp.StatusCode, body)
	}
	if n := fs.handed.Load(); n != 1 {
		t.Fatalf("%d connections handed to net/http, want 1", n)
	}
}

// A client that opens a TLS connection and never sends a handshake is
// closed once the header timeout has passed.
func TestFastServerClosesAStalledHandshake(t *testing.T) {
	_, serverTLS, _ := startOld(t, http.NotFoundHandler(), true) // its certificate
	_, addr := startFast(t, newTestLB(t, echoLBConfig(t)), serverTLS, &http.Server{ReadHeaderTimeout: 100 * time.Millisecond})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second)) // a hang fails instead of blocking the suite
	if n, err := conn.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("read %d bytes, %v; want the server to close the connection (EOF)", n, err)
	}
}
