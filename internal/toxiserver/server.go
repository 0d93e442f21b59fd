// Package toxiserver serves Toxiproxy (github.com/Shopify/toxiproxy/v2) from
// the library: the proxies and toxics are Toxiproxy's own, and so is its
// REST API (POST /proxies, POST /proxies/{proxy}/toxics, POST /reset, …),
// behind the lab's local guard like every other control surface, plus GET
// /healthz. The local
// runtime runs one in-process; the Docker runtime runs `stickylab
// toxiproxy`, which is Main, in its toxiproxy container.
package toxiserver

import (
	"net/http"
	"sync"

	"github.com/Shopify/toxiproxy/v2"
	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"github.com/rs/zerolog/log"

	"github.com/stickylab/stickylab/internal/localguard"
)

// New returns a Toxiproxy server with no proxies, logging nowhere. Some
// toxics log through zerolog's global logger, which only Toxiproxy uses in
// stickylab: it is silenced too.
func New() *toxiproxy.ApiServer {
	silence.Do(func() { log.Logger = zerolog.Nop() })
	return toxiproxy.NewServer(toxiproxy.NewMetricsContainer(prometheus.NewRegistry()), zerolog.Nop())
}

var silence sync.Once

// Handler is s's REST API, routed as toxiproxy-server routes it, answering
// only local callers that send JSON (localguard; names are the host names
// it answers besides loopback, e.g. its container alias).
func Handler(s *toxiproxy.ApiServer, names ...string) (http.Handler, error) {
	guard, err := localguard.New(names...)
	if err != nil {
		return nil, err
	}
	r := mux.NewRouter()
	for _, route := range []struct {
		method, path string
		h            http.HandlerFunc
	}{
		{"POST", "/reset", s.ResetState},
		{"GET", "/proxies", s.ProxyIndex},
		{"POST", "/proxies", s.ProxyCreate},
		{"POST", "/populate", s.Populate},
		{"GET", "/proxies/{proxy}", s.ProxyShow},
		{"POST", "/proxies/{proxy}", s.ProxyUpdate},
		{"DELETE", "/proxies/{proxy}", s.ProxyDelete},
		{"GET", "/proxies/{proxy}/toxics", s.ToxicIndex},
		{"POST", "/proxies/{proxy}/toxics", s.ToxicCreate},
		{"GET", "/proxies/{proxy}/toxics/{toxic}", s.ToxicShow},
		{"POST", "/proxies/{proxy}/toxics/{toxic}", s.ToxicUpdate},
		{"DELETE", "/proxies/{proxy}/toxics/{toxic}", s.ToxicDelete},
		{"GET", "/version", s.Version},
		{"GET", "/healthz", healthz}, // the lab's readiness probe, as on every node
	} {
		r.HandleFunc(route.path, route.h).Methods(route.method)
	}
	return guard.Handler(r), nil
}

// Close stops every proxy of s, closing its listener and connections.
func Close(s *toxiproxy.ApiServer) error { return s.Collection.Clear() }

func healthz(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) }
