package replay

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"time"
)

// Option configures a Replayer.
type Option func(*options) error

type options struct {
	tls         *tls.Config
	reuse       bool
	progress    func(done, total int)
	timeout     time.Duration
	user, pass  string
	concurrency int
	stepDone    func(run int, step string)
	hold        func(ctx context.Context, run int, step string)
	locations   int // client locations (locations.go); 0: none
}

func defaults() options {
	return options{tls: &tls.Config{MinVersion: tls.VersionTLS12, CurvePreferences: clientCurves}, timeout: 30 * time.Second, user: "alice", pass: "wonderland", concurrency: 1}
}

// WithCAPool trusts the certificates of pool (the lab's CA) for HTTPS.
func WithCAPool(pool *x509.CertPool) Option {
	return func(o *options) error {
		if pool == nil {
			return fmt.Errorf("WithCAPool: nil pool")
		}
		o.tls.RootCAs = pool
		return nil
	}
}

// WithInsecure skips TLS certificate verification.
func WithInsecure() Option {
	return func(o *options) error { o.tls.InsecureSkipVerify = true; return nil }
}

// WithReuseConnections shares one transport (and its keep-alive connections)
// per worker across runs, instead of a fresh one per run: this shows what
// keep-alive does to load balancing.
func WithReuseConnections() Option {
	return func(o *options) error { o.reuse = true; return nil }
}

// WithProgress is called after every run with the runs done and the total
// (-1 for ReplayUntil). Calls are serialised; keep it quick.
func WithProgress(fn func(done, total int)) Option {
	return func(o *options) error { o.progress = fn; return nil }
}

// WithTimeout bounds each request (default 30 s); a request cut by it makes
// its run fail with class timeout.
func WithTimeout(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return fmt.Errorf("WithTimeout: must be > 0, got %s", d)
		}
		o.timeout = d
		return nil
	}
}

// WithUser sets the credentials that replace ${user} and ${password} in
// flows (default alice / wonderland).
func WithUser(name, password string) Option {
	return func(o *options) error {
		if name == "" {
			return fmt.Errorf("WithUser: empty user name")
		}
		o.user, o.pass = name, password
		return nil
	}
}

// WithConcurrency sets how many runs ReplayUntil keeps in flight (default 1).
// Replay takes its concurrency as an argument.
func WithConcurrency(c int) Option {
	return func(o *options) error {
		if c <= 0 {
			return fmt.Errorf("WithConcurrency: must be > 0, got %d", c)
		}
		o.concurrency = c
		return nil
	}
}

// WithStepDone is called, from the run's goroutine, each time a run's step
// got its response (whether or not the step then failed), before the run
// sends its next request: a hook for putting a fault in the middle of flows.
// Keep it quick.
func WithStepDone(fn func(run int, step string)) Option {
	return func(o *options) error { o.stepDone = fn; return nil }
}

// WithHold is called like WithStepDone, right after it, but may block: the
// run waits until fn returns before it checks the step and sends its next
// request. It holds runs at a chosen point of their flow, e.g. between the
// login POST and the next request until a fault has been applied. fn must
// return once ctx (the replay's) ends; the run then sends nothing more (its
// next step fails with class timeout). Concurrency must leave room for the
// runs held at once: a held run keeps its worker.
func WithHold(fn func(ctx context.Context, run int, step string)) Option {
	return func(o *options) error {
		if fn == nil {
			return fmt.Errorf("WithHold: nil function")
		}
		o.hold = fn
		return nil
	}
}

// clientCurves are the key exchanges the replay's browsers offer: X25519
// first, as browsers did before the hybrid post-quantum share. What a lab
// studies is where requests land, not how keys are agreed, and Go's default
// X25519MLKEM768 share is most of a fresh run's client CPU (an ML-KEM key
// pair for every connection).
var clientCurves = []tls.CurveID{tls.X25519, tls.CurveP256}
