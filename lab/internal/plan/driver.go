package plan

import "context"

// Driver starts a plan on one runtime (Docker containers, or in-process
// listeners). On error, Start has already removed whatever it started.
type Driver interface {
	Start(ctx context.Context, p *Plan, tls TLSFiles) (Deployment, error)
}

// TLSFiles are the edge's certificate and key, PEM, signed by the lab's CA.
type TLSFiles struct {
	CertPEM, KeyPEM []byte
}

// Deployment is a running plan. Node names are those of the plan.
type Deployment interface {
	// EdgeURL is the edge's client URL on 127.0.0.1.
	EdgeURL() string
	// AdminURL is a node's admin API base URL on 127.0.0.1.
	AdminURL(node string) (string, error)
	// Stop stops a node or a Redis store (a plan.Store, by name; its
	// sessions are lost); Start starts it again with the same
	// configuration, name and address.
	Stop(ctx context.Context, node string) error
	Start(ctx context.Context, node string) error
	// LinksURL is the API of the Toxiproxy server that carries the plan's
	// links, on 127.0.0.1 (links.go): faults cut and degrade links there.
	LinksURL() string
	// Down removes everything; it is idempotent.
	Down(ctx context.Context) error
}
