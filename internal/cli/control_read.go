package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/stickylab/stickylab/lab"
	"github.com/stickylab/stickylab/lab/topology"
)

// reader answers the control endpoint's reads: a load balancer's state as
// its admin API reports it (GET /state/{target}, the same JSON), and the
// WAN links with their toxics (GET /links). ctl reads through it, so that
// it talks to nothing but the up process.
type reader struct{ lab *lab.Lab }

func readerOf(l *lab.Lab) reader { return reader{lab: l} }

// adminReads fetches admin state over loopback, never through a proxy.
var adminReads = &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{Proxy: nil}}

func (rd reader) state(w http.ResponseWriter, r *http.Request, target string) {
	if rd.lab == nil {
		answer(w, http.StatusServiceUnavailable, controlAnswer{Error: "no lab"})
		return
	}
	if target != "edge" && !slices.ContainsFunc(rd.lab.Topology().Datacenters, func(dc topology.Datacenter) bool { return dc.Name == target }) {
		answer(w, http.StatusBadRequest, controlAnswer{Error: fmt.Sprintf("no load balancer %q: want edge or a datacenter", target)})
		return
	}
	u, err := rd.lab.AdminURL(target)
	if err != nil {
		answer(w, http.StatusInternalServerError, controlAnswer{Error: err.Error()})
		return
	}
	req, _ := http.NewRequestWithContext(r.Context(), http.MethodGet, u+"/state", nil)
	resp, err := adminReads.Do(req)
	if err != nil {
		answer(w, http.StatusBadGateway, controlAnswer{Error: fmt.Sprintf("state of %s: %v", target, err)})
		return
	}
	defer resp.Body.Close()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, io.LimitReader(resp.Body, 1<<20))
}

func (rd reader) links(w http.ResponseWriter, r *http.Request) {
	if rd.lab == nil {
		answer(w, http.StatusServiceUnavailable, controlAnswer{Error: "no lab"})
		return
	}
	links, err := rd.lab.Links(r.Context())
	if err != nil {
		answer(w, http.StatusInternalServerError, controlAnswer{Error: err.Error()})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(links)
}
