package localrt_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"

	"github.com/stickylab/stickylab/lab/internal/admin"
	"github.com/stickylab/stickylab/lab/topology"
)

// The edge reaches every datacenter LB through a Toxiproxy link named after
// the datacenter: the member URL the edge is configured with is the link's
// listen address, and the link forwards to the LB.
func TestTheEdgeReachesEachDatacenterThroughItsLink(t *testing.T) {
	dep, _ := start(t, topology.Default())
	links, err := admin.Links(t.Context(), dep.LinksURL())
	if err != nil {
		t.Fatal(err)
	}
	edge, _ := dep.AdminURL("edge")
	st, err := admin.GetState(t.Context(), edge)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range st.Members {
		l, ok := links[m.Name]
		if !ok {
			t.Fatalf("no link for datacenter %s (links %v)", m.Name, links)
		}
		if m.URL != "http://"+l.Listen || !l.Enabled {
			t.Errorf("edge member %s at %s; its link listens on %s (enabled %v)", m.Name, m.URL, l.Listen, l.Enabled)
		}
		if code, _ := get(t, http.DefaultClient, m.URL+"/healthz"); code != 200 {
			t.Errorf("through link %s: %d", m.Name, code)
		}
	}
}

// A disabled link refuses connections and closes those it carried, as a cut
// cable would; enabled again, it listens on the same address.
func TestADisabledLinkRefusesAndComesBackOnTheSameAddress(t *testing.T) {
	dep, _ := start(t, topology.Default())
	addr := linkAddr(t, dep.LinksURL(), "dc-east")
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := admin.SetLinkEnabled(t.Context(), dep.LinksURL(), "dc-east", false); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Error("a connection through a disabled link must be closed")
	}
	if _, err := net.Dial("tcp", addr); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("a disabled link must refuse connections, got %v", err)
	}
	if err := admin.SetLinkEnabled(t.Context(), dep.LinksURL(), "dc-east", true); err != nil {
		t.Fatal(err)
	}
	if got := linkAddr(t, dep.LinksURL(), "dc-east"); got != addr {
		t.Fatalf("the link moved: %s → %s", addr, got)
	}
	if code, _ := get(t, http.DefaultClient, "http://"+addr+"/healthz"); code != 200 {
		t.Fatalf("through the enabled link: %d", code)
	}
}

// A toxic is added, listed, replaced and removed by name; reset removes
// every toxic and enables every link.
func TestToxicsAreSetListedAndRemovedByName(t *testing.T) {
	dep, _ := start(t, topology.Default())
	api := dep.LinksURL()
	lat := admin.Toxic{Name: "latency", Type: "latency", Attributes: map[string]int64{"latency": 10, "jitter": 1}}
	if err := admin.SetToxic(t.Context(), api, "dc-west", lat); err != nil {
		t.Fatal(err)
	}
	lat.Attributes["latency"] = 20
	if err := admin.SetToxic(t.Context(), api, "dc-west", lat); err != nil {
		t.Fatalf("setting a toxic again replaces it: %v", err)
	}
	if got := toxics(t, api, "dc-west"); len(got) != 1 || got[0].Attributes["latency"] != 20 || got[0].Attributes["jitter"] != 1 {
		t.Fatalf("toxics of dc-west: %+v", got)
	}
	err := admin.SetToxic(t.Context(), api, "dc-west", admin.Toxic{Name: "x", Type: "no-such-toxic"})
	if err == nil || !strings.Contains(err.Error(), "invalid toxic type") {
		t.Errorf("an unknown type must be refused by name, got %v", err)
	}
	if err := admin.RemoveToxic(t.Context(), api, "dc-west", "nope"); err == nil || !strings.Contains(err.Error(), "toxic not found") {
		t.Errorf("removing an unknown toxic: %v", err)
	}
	if err := admin.SetLinkEnabled(t.Context(), api, "dc-east", false); err != nil {
		t.Fatal(err)
	}
	if err := admin.ResetLinks(t.Context(), api); err != nil {
		t.Fatal(err)
	}
	links, _ := admin.Links(t.Context(), api)
	for name, l := range links {
		if !l.Enabled || len(l.Toxics) != 0 {
			t.Errorf("after reset, link %s: enabled %v, toxics %+v", name, l.Enabled, l.Toxics)
		}
	}
}

// Toxiproxy's API is a local control surface like the others: a web page
// cannot reach it.
func TestTheLinksAPIRefusesWhatAWebPageCouldSend(t *testing.T) {
	dep, _ := start(t, topology.Default())
	for _, c := range []struct {
		name, ctype, origin, host string
		want                      int
	}{
		{"form post", "text/plain", "", "", http.StatusUnsupportedMediaType},
		{"foreign origin", "application/json", "http://evil.example", "", http.StatusForbidden},
		{"rebound host", "application/json", "", "evil.example", http.StatusForbidden},
	} {
		req, _ := http.NewRequest(http.MethodPost, dep.LinksURL()+"/proxies/dc-east", strings.NewReader(`{"enabled":false}`))
		req.Header.Set("Content-Type", c.ctype)
		if c.origin != "" {
			req.Header.Set("Origin", c.origin)
		}
		if c.host != "" {
			req.Host = c.host
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("%s: status %d, want %d", c.name, resp.StatusCode, c.want)
		}
	}
	if l := linkOf(t, dep.LinksURL(), "dc-east"); !l.Enabled {
		t.Error("a refused request disabled the link")
	}
}

// The slicer toxic cuts data into small chunks; what arrives is whole.
func TestDataThroughASlicedLinkArrivesWhole(t *testing.T) {
	dep, _ := start(t, topology.Default())
	api := dep.LinksURL()
	slicer := admin.Toxic{Type: "slicer", Attributes: map[string]int64{"average_size": 4, "size_variation": 2, "delay": 0}}
	if err := admin.SetToxic(t.Context(), api, "dc-east", slicer); err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", linkAddr(t, api, "dc-east"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || strings.TrimSpace(string(body)) != "ok" {
		t.Fatalf("through a sliced link: %d %q", resp.StatusCode, body)
	}
}

// reset_peer resets every connection through the link after its timeout
// (0: at once).
func TestResetPeerResetsConnections(t *testing.T) {
	dep, _ := start(t, topology.Default())
	api := dep.LinksURL()
	if err := admin.SetToxic(t.Context(), api, "dc-east", admin.Toxic{Type: "reset_peer", Attributes: map[string]int64{"timeout": 0}}); err != nil {
		t.Fatal(err)
	}
	_, err := http.Get("http://" + linkAddr(t, api, "dc-east") + "/healthz")
	if err == nil {
		t.Fatal("a request through a link with reset_peer must fail")
	}
}

func linkOf(t *testing.T, api, name string) admin.Link {
	t.Helper()
	links, err := admin.Links(context.Background(), api)
	if err != nil {
		t.Fatal(err)
	}
	return links[name]
}

func linkAddr(t *testing.T, api, name string) string { t.Helper(); return linkOf(t, api, name).Listen }

func toxics(t *testing.T, api, link string) []admin.Toxic {
	t.Helper()
	return linkOf(t, api, link).Toxics
}
