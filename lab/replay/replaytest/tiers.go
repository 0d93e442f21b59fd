package replaytest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stickylab/stickylab/fakeapp"
	"github.com/stickylab/stickylab/fakecdn"
	"github.com/stickylab/stickylab/fakecdn/policy"
)

// datacenter is a round-robin LB with its own f5-encrypted lbs cookie in
// front of cfg.Instances app instances.
func datacenter(t testing.TB, cfg Config, dc string) http.Handler {
	t.Helper()
	key := fakeapp.KeyScopeDatacenter
	if cfg.SharedKey {
		key = fakeapp.KeyScopeShared
	}
	var members []fakecdn.MemberConfig
	for i := range cfg.Instances {
		name := fmt.Sprintf("%s-%d", dc, i+1)
		app, err := fakeapp.New(fakeapp.Config{Datacenter: dc, Instance: name, KeyScope: key})
		if err != nil {
			t.Fatalf("fakeapp %s: %v", name, err)
		}
		var h http.Handler = app
		if cfg.NoFailureHeader {
			h = withoutFailureHeader(app)
		}
		members = append(members, fakecdn.MemberConfig{Name: name, URL: serve(t, h)})
	}
	return loadBalancer(t, cfg, fakecdn.Config{Role: policy.RoleDC, Name: dc, Members: members,
		Tier: policy.Tier{Selection: policy.RoundRobin, Persistence: policy.PersistCookie}})
}

// loadBalancer is fakecdn with the topology's seed and decision headers.
func loadBalancer(t testing.TB, cfg Config, c fakecdn.Config) *fakecdn.LB {
	t.Helper()
	c.Seed = int64(cfg.Seed)
	c.DecisionHeaders = new(!cfg.NoDecision)
	lb, err := fakecdn.New(c)
	if err != nil {
		t.Fatalf("fakecdn %s: %v", c.Name, err)
	}
	t.Cleanup(func() { lb.Close() })
	return lb
}

// serve runs h on plain HTTP until the test ends and returns its URL.
func serve(t testing.TB, h http.Handler) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// withoutFailureHeader drops X-Stickylab-Failure, as a real app never
// sends it: the client must tell failures by status and body.
func withoutFailureHeader(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(headerless{w}, r)
	})
}

type headerless struct{ http.ResponseWriter }

func (w headerless) WriteHeader(code int) {
	w.Header().Del(fakeapp.HeaderFailure)
	w.ResponseWriter.WriteHeader(code)
}

func (w headerless) Write(b []byte) (int, error) {
	w.Header().Del(fakeapp.HeaderFailure)
	return w.ResponseWriter.Write(b)
}

func (w headerless) Unwrap() http.ResponseWriter { return w.ResponseWriter }
