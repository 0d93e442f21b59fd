package fakecdn

import (
	"fmt"
	"net/http"

	"github.com/stickylab/stickylab/internal/localguard"
)

// WithAdminHosts lets the admin API also answer requests whose Host names
// one of hosts, such as the LB's alias on a Docker network. Without it the
// admin API answers Host names that are loopback addresses or localhost only
// (see package localguard).
func WithAdminHosts(hosts ...string) Option {
	return func(lb *LB) error {
		g, err := localguard.New(hosts...)
		if err != nil {
			return fmt.Errorf("WithAdminHosts: %w", err)
		}
		lb.adminHosts = g.Names()
		return nil
	}
}

// guardAdmin refuses what a web page could send the admin API: foreign Host
// names (DNS rebinding), foreign origins, and state changes that are not
// JSON.
func (lb *LB) guardAdmin(h http.Handler) http.Handler {
	g, err := localguard.New(lb.adminHosts...)
	if err != nil { // checked by WithAdminHosts already
		panic(err)
	}
	return g.Handler(h)
}
