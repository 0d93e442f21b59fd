package lab_test

import (
	"context"
	"crypto/tls"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stickylab/stickylab/lab"
	"github.com/stickylab/stickylab/lab/topology"
)

// testTimeout bounds one test's Up, faults and Down.
const testTimeout = time.Minute

// upLocal brings t up on the local runtime and registers Down at once.
func upLocal(t *testing.T, topo topology.Topology) *lab.Lab {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	defer cancel()
	l, err := lab.Up(ctx, topo, lab.WithRuntime("local"), lab.WithLogf(t.Logf))
	t.Cleanup(func() {
		if err := l.Down(context.Background()); err != nil {
			t.Errorf("down: %v", err)
		}
	})
	if err != nil {
		t.Fatalf("up: %v", err)
	}
	return l
}

// oneDatacenter is the incident's topology with only dc-east, of n instances.
func oneDatacenter(n int) topology.Topology {
	t := topology.Default()
	t.Seed = 42
	t.Datacenters = []topology.Datacenter{{Name: "dc-east", Instances: n}}
	return t.WithDefaults()
}

// user is a browser: a cookie jar, the lab's CA, and the hops it saw.
type user struct {
	t      *testing.T
	base   string
	client *http.Client
	mu     sync.Mutex
	hops   []hop
}

type hop struct {
	method, path string
	status       int
	servedBy     string
	failure      string
	edge, lb     string
}

func newUser(t *testing.T, l *lab.Lab) *user {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	u := &user{t: t, base: l.EdgeURL()}
	tr := &http.Transport{Proxy: nil, TLSClientConfig: &tls.Config{RootCAs: l.CAPool()}}
	t.Cleanup(tr.CloseIdleConnections)
	u.client = &http.Client{Jar: jar, Timeout: 10 * time.Second, Transport: recorder{u, tr}}
	return u
}

type recorder struct {
	u  *user
	rt http.RoundTripper
}

func (r recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.rt.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	r.u.mu.Lock()
	r.u.hops = append(r.u.hops, hop{
		method: req.Method, path: req.URL.Path, status: resp.StatusCode,
		servedBy: resp.Header.Get("X-Served-By"), failure: resp.Header.Get("X-Stickylab-Failure"),
		edge: resp.Header.Get("X-Stickylab-Edge"), lb: resp.Header.Get("X-Stickylab-LB"),
	})
	r.u.mu.Unlock()
	return resp, nil
}

// get fetches path, follows redirects and returns the final path and body.
func (u *user) get(path string) (finalPath, body string) {
	u.t.Helper()
	resp, err := u.client.Get(u.base + path)
	if err != nil {
		u.t.Fatalf("GET %s: %v", path, err)
	}
	return u.read(resp)
}

func (u *user) read(resp *http.Response) (string, string) {
	u.t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		u.t.Fatalf("read %s: %v", resp.Request.URL, err)
	}
	return resp.Request.URL.Path, string(b)
}

var tokenField = regexp.MustCompile(`name="__RequestVerificationToken" type="hidden" value="([^"]+)"`)

// login runs the incident's flow: GET /login, POST /login alice/wonderland,
// follow to /account. It reports whether /account was reached.
func (u *user) login() bool {
	u.t.Helper()
	_, page := u.get("/login")
	m := tokenField.FindStringSubmatch(page)
	if m == nil {
		u.t.Fatalf("GET /login: no __RequestVerificationToken field in:\n%s", page)
	}
	form := url.Values{"__RequestVerificationToken": {m[1]}, "UserName": {"alice"}, "Password": {"wonderland"}}
	resp, err := u.client.PostForm(u.base+"/login", form)
	if err != nil {
		u.t.Fatalf("POST /login: %v", err)
	}
	final, _ := u.read(resp)
	return final == "/account"
}

// servedBy lists the distinct datacenters that answered.
func (u *user) datacenters() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	var out []string
	for _, h := range u.hops {
		dc, _, _ := strings.Cut(h.servedBy, "/")
		if dc != "" && (len(out) == 0 || !contains(out, dc)) {
			out = append(out, dc)
		}
	}
	return out
}

func (u *user) last() hop {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.hops[len(u.hops)-1]
}

// hopTo is the first hop to path.
func (u *user) hopTo(path string) hop {
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, h := range u.hops {
		if h.path == path {
			return h
		}
	}
	u.t.Fatalf("no request to %s in %+v", path, u.hops)
	return hop{}
}

func (u *user) failures() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	var out []string
	for _, h := range u.hops {
		if h.failure != "" {
			out = append(out, h.failure)
		}
	}
	return out
}

// cookie returns the value of the jar's cookie name for the edge.
func (u *user) cookie(name string) string {
	base, _ := url.Parse(u.base)
	for _, c := range u.client.Jar.Cookies(base) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}
