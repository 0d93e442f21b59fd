package fakecdn

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/textproto"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// diffOrigin is the member of the differential test: each path is one
// behaviour of an HTTP/1.1 origin, and /echo answers with what it received.
func diffOrigin(t *testing.T) *httptest.Server {
	t.Helper()
	large := bytes.Repeat([]byte("0123456789abcdef"), 128<<10) // 2 MiB
	mux := http.NewServeMux()
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "read body: "+err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Set-Cookie", "app=1; Path=/")
		fmt.Fprintf(w, "%s %s %s\nlength %d chunked %v\n", r.Method, r.RequestURI, r.Proto, r.ContentLength, slices.Contains(r.TransferEncoding, "chunked"))
		for _, k := range slices.Sorted(func(yield func(string) bool) {
			for k := range r.Header {
				if !yield(k) {
					return
				}
			}
		}) {
			fmt.Fprintf(w, "%s: %q\n", k, r.Header[k])
		}
		fmt.Fprintf(w, "trailer %q\nbody %d %x\n", r.Trailer, len(body), body[:min(len(body), 64)])
	})
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/echo?from=redirect", http.StatusFound)
	})
	mux.HandleFunc("/chunked", func(w http.ResponseWriter, r *http.Request) {
		for i := range 3 {
			fmt.Fprintf(w, "chunk %d\n", i)
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/large", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(large) })
	mux.HandleFunc("/trailer", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Trailer", "X-Checksum")
		_, _ = io.WriteString(w, "body before the trailer\n")
		w.Header().Set("X-Checksum", "42")
	})
	mux.HandleFunc("/close", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		_, _ = io.WriteString(w, "closing\n")
	})
	mux.HandleFunc("/hints", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", "</style.css>; rel=preload")
		w.WriteHeader(http.StatusEarlyHints)
		_, _ = io.WriteString(w, "after hints\n")
	})
	mux.HandleFunc("/status/", func(w http.ResponseWriter, r *http.Request) {
		var code int
		fmt.Sscan(strings.TrimPrefix(r.URL.Path, "/status/"), &code)
		w.WriteHeader(code)
	})
	mux.HandleFunc("/hangup", func(w http.ResponseWriter, r *http.Request) {
		c, _, _ := w.(http.Hijacker).Hijack()
		c.Close()
	})
	mux.HandleFunc("/garbage", func(w http.ResponseWriter, r *http.Request) {
		c, _, _ := w.(http.Hijacker).Hijack()
		_, _ = io.WriteString(c, "HTTP/1.1 twohundred OK\r\n\r\n")
		c.Close()
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// diffCase is one request of the corpus.
type diffCase struct {
	name, method, path string
	body               []byte
	chunked            bool // send the body with Transfer-Encoding: chunked
	header             map[string]string
	trailer            http.Header
	close              bool
}

func diffCorpus() []diffCase {
	small := bytes.Repeat([]byte("user=ann&password=x&"), 100) // 2 KB
	medium := bytes.Repeat([]byte("m"), 100<<10)               // over fastMaxBody
	large := bytes.Repeat([]byte("L"), 2<<20)                  // over maxReplayBody
	return []diffCase{
		{name: "get", method: "GET", path: "/echo?q=1&r=%2F"},
		{name: "head", method: "HEAD", path: "/echo"},
		{name: "options", method: "OPTIONS", path: "/echo"},
		{name: "delete", method: "DELETE", path: "/echo"},
		{name: "cookies", method: "GET", path: "/echo", header: map[string]string{"Cookie": "a=1; b=2", "User-Agent": "diff/1", "Accept-Encoding": "gzip"}},
		{name: "hop-by-hop", method: "GET", path: "/echo", header: map[string]string{"Connection": "X-Hop, keep-alive", "X-Hop": "dropped", "Keep-Alive": "timeout=5", "Te": "trailers", "Proxy-Authorization": "Basic x"}},
		{name: "post-empty", method: "POST", path: "/echo"},
		{name: "post-small", method: "POST", path: "/echo", body: small, header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}},
		{name: "put-medium", method: "PUT", path: "/echo", body: medium},
		{name: "post-large", method: "POST", path: "/echo", body: large},
		{name: "post-chunked", method: "POST", path: "/echo", body: small, chunked: true},
		{name: "post-chunked-trailer", method: "POST", path: "/echo", body: small, chunked: true, trailer: http.Header{"X-Sig": {"abc"}}},
		{name: "expect-continue", method: "POST", path: "/echo", body: small, header: map[string]string{"Expect": "100-continue"}},
		{name: "client-close", method: "GET", path: "/echo", close: true},
		{name: "redirect", method: "GET", path: "/redirect"},
		{name: "chunked-response", method: "GET", path: "/chunked"},
		{name: "large-response", method: "GET", path: "/large"},
		{name: "trailer", method: "GET", path: "/trailer"},
		{name: "upstream-close", method: "GET", path: "/close"},
		{name: "after-upstream-close", method: "GET", path: "/echo"},
		{name: "early-hints", method: "GET", path: "/hints"},
		{name: "no-content", method: "GET", path: "/status/204"},
		{name: "not-modified", method: "GET", path: "/status/304"},
		{name: "server-error", method: "GET", path: "/status/500"},
		{name: "upstream-garbage", method: "GET", path: "/garbage"},
		{name: "upstream-hangup", method: "POST", path: "/hangup", body: small},
	}
}

// outcome is what a client saw of one request.
type outcome struct {
	status  int
	info    []int // 1xx codes
	header  http.Header
	body    string
	trailer http.Header
	framing string // length, transfer encoding, close
}

var volatileDur = regexp.MustCompile(`dur=[0-9.]+`)

func (o outcome) String() string {
	h := o.header.Clone()
	h.Del("Date")
	var b strings.Builder
	fmt.Fprintf(&b, "status %d, 1xx %v, %s\n", o.status, o.info, o.framing)
	_ = h.Write(&b)
	fmt.Fprintf(&b, "trailer %v\n%s", o.trailer, o.body)
	return volatileDur.ReplaceAllString(b.String(), "dur=X")
}

func sendDiff(t *testing.T, client *http.Client, base string, c diffCase) outcome {
	t.Helper()
	var body io.Reader
	if c.body != nil {
		body = bytes.NewReader(c.body)
		if c.chunked {
			body = io.MultiReader(body) // hides the length: chunked
		}
	}
	req, err := http.NewRequest(c.method, base+c.path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "portal.example" // the same on both LBs' listeners
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	req.Trailer, req.Close = c.trailer, c.close
	var o outcome
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		Got1xxResponse: func(code int, _ textproto.MIMEHeader) error { o.info = append(o.info, code); return nil },
	}))
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s: read body: %v", c.name, err)
	}
	o.status, o.header, o.body, o.trailer = resp.StatusCode, resp.Header, string(b), resp.Trailer
	o.framing = fmt.Sprintf("length %d te %v close %v", resp.ContentLength, resp.TransferEncoding, resp.Close)
	return o
}

// TestTransportsAgree sends the same corpus through an LB on net/http's
// Transport and one on the calling-goroutine transport, and compares what
// the client saw (status, 1xx, headers but Date, body, trailers); /echo's
// body is what the member received.
func TestTransportsAgree(t *testing.T) {
	origin := diffOrigin(t)
	cfg := func() Config {
		return Config{Role: "dc", Name: "dc-east", Members: []MemberConfig{
			{Name: "a", URL: origin.URL, Weight: 1}, {Name: "b", URL: origin.URL, Weight: 1},
		}, Tier: policy.Tier{Selection: "round-robin"}}
	}
	std := NewTransport()
	t.Cleanup(std.CloseIdleConnections)
	oldLB, newLB := newTestLB(t, cfg(), WithTransport(std)), newTestLB(t, cfg())
	oldSrv, newSrv := httptest.NewServer(oldLB), httptest.NewServer(newLB)
	t.Cleanup(oldSrv.Close)
	t.Cleanup(newSrv.Close)
	client := &http.Client{
		Transport:     &http.Transport{DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	pooled := func() int {
		h1 := newLB.transport.(*h1Transport)
		h1.mu.Lock()
		defer h1.mu.Unlock()
		return len(h1.idle[origin.Listener.Addr().String()])
	}
	for i, c := range diffCorpus() {
		want, got := sendDiff(t, client, oldSrv.URL, c).String(), sendDiff(t, client, newSrv.URL, c).String()
		if got != want {
			t.Errorf("%s: the transports disagree\nnet/http:\n%s\ncalling goroutine:\n%s", c.name, want, got)
		}
		if i == 0 && pooled() == 0 {
			t.Fatal("the calling-goroutine transport pooled no connection after a GET: it never took the fast path")
		}
	}
}

// TestWriteRequestAsRequestWrite: the fast path's request writer sends the
// bytes Request.Write sends, for the requests it writes itself and for
// those it hands to Request.Write.
func TestWriteRequestAsRequestWrite(t *testing.T) {
	type reqCase struct {
		name, method, url, body string
		header                  http.Header
		close                   bool
		host                    string
	}
	for _, c := range []reqCase{
		{name: "get", method: "GET", url: "http://10.0.0.1:8080/a/b?c=d&e=%2F", header: http.Header{"Cookie": {"a=1", "b=2"}, "X-Forwarded-For": {"192.0.2.7"}}},
		{name: "no user agent", method: "GET", url: "http://m/"},
		{name: "empty user agent", method: "GET", url: "http://m/", header: http.Header{"User-Agent": {""}}},
		{name: "user agent", method: "GET", url: "http://m/", header: http.Header{"User-Agent": {"curl/8", "second"}}},
		{name: "client host", method: "GET", url: "http://m/", host: "portal.example"},
		{name: "head", method: "HEAD", url: "http://m/x"},
		{name: "post empty", method: "POST", url: "http://m/login"},
		{name: "delete empty", method: "DELETE", url: "http://m/x"},
		{name: "patch empty", method: "PATCH", url: "http://m/x"},
		{name: "put empty", method: "PUT", url: "http://m/x"},
		{name: "post body", method: "POST", url: "http://m/login", body: "user=ann", header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}},
		{name: "patch body", method: "PATCH", url: "http://m/x", body: "{}"},
		{name: "close", method: "GET", url: "http://m/", close: true},
		{name: "newline in value", method: "GET", url: "http://m/", header: http.Header{"X-A": {"a\nb"}, "User-Agent": {" padded "}}},
		{name: "unicode host", method: "GET", url: "http://m/", host: "bücher.example"},
	} {
		t.Run(c.name, func(t *testing.T) {
			build := func() *http.Request {
				var body io.Reader
				if c.body != "" {
					body = strings.NewReader(c.body)
				}
				r, err := http.NewRequest(c.method, c.url, body)
				if err != nil {
					t.Fatal(err)
				}
				for k, v := range c.header {
					r.Header[k] = v
				}
				r.Close = c.close
				if c.host != "" {
					r.Host = c.host
				}
				return r
			}
			var want, got bytes.Buffer
			if err := build().Write(&want); err != nil {
				t.Fatal(err)
			}
			bw := bufio.NewWriter(&got)
			if err := writeRequest(bw, build()); err != nil {
				t.Fatal(err)
			}
			_ = bw.Flush()
			if got.String() != want.String() {
				t.Errorf("writeRequest wrote\n%q\nRequest.Write writes\n%q", got.String(), want.String())
			}
		})
	}
}
