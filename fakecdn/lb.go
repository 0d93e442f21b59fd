package fakecdn

import (
	"context"
	crand "crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// LB is one load balancer: an edge or a datacenter LB. It is an
// http.Handler for client traffic; Admin() serves its admin API.
type LB struct {
	mu    sync.Mutex // serialises configuration changes
	snap  atomic.Pointer[snapshot]
	pool  *pool
	rng   *lockedRand
	key   []byte // f5-encrypted key, guarded by mu
	keyN  int    // rotations so far, guarded by mu
	table *stickTable
	dns   *resolverCache // DNS steering answers per resolver (steering.go)

	stateFile string // saves the running configuration across restarts ("" = not saved)

	transport      http.RoundTripper
	ownTransport   bool
	log            *slog.Logger
	proxy          *httputil.ReverseProxy
	metrics        *metrics
	metricsOnce    sync.Once
	metricsHandler http.Handler
	adminHosts     []string  // Host names the admin API answers besides loopback
	buf            sync.Pool // []*member scratch for usable lists

	started atomic.Bool
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	closed  atomic.Bool
}

// snapshot is the immutable policy a request is decided with; every
// configuration change builds a new one and swaps it in.
type snapshot struct {
	cfg         Config
	pool        *pool
	selector    selector
	fallback    selector
	hashing     bool
	persist     persister
	passthrough bool
	headers     bool
	keyGen      int // the key generation the codec was built with
}

// Option configures New; it fails on invalid input.
type Option func(*LB) error

// WithLogger sends the access log and health changes to l (default: discard).
func WithLogger(l *slog.Logger) Option {
	return func(lb *LB) error {
		if l == nil {
			return errors.New("WithLogger: nil logger")
		}
		lb.log = l
		return nil
	}
}

// WithTransport proxies and health-checks through rt instead of the LB's
// own keep-alive transport; WithTransport(NewTransport()) is net/http's
// Transport alone, without the calling-goroutine fast path (transport.go).
func WithTransport(rt http.RoundTripper) Option {
	return func(lb *LB) error {
		if rt == nil {
			return errors.New("WithTransport: nil RoundTripper")
		}
		lb.transport, lb.ownTransport = rt, false
		return nil
	}
}

// NewTransport is the keep-alive net/http Transport an LB hands what its
// fast path does not handle (https members, upgrades, streamed bodies).
func NewTransport() *http.Transport {
	return &http.Transport{
		Proxy:                 nil, // members are reached directly, never through $HTTP_PROXY
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:          1024,
		MaxIdleConnsPerHost:   256,
		IdleConnTimeout:       90 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
		ExpectContinueTimeout: time.Second,
		DisableCompression:    true, // a proxy passes encodings through untouched
	}
}

// New builds a load balancer from cfg (defaults applied, then validated).
// Health checks start with Start.
func New(cfg Config, opts ...Option) (*LB, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p, err := newPool(cfg.Members)
	if err != nil {
		return nil, err
	}
	lb := &LB{
		pool:         p,
		rng:          newLockedRand(cfg.Seed),
		table:        newStickTable(),
		dns:          newResolverCache(),
		transport:    newH1Transport(NewTransport()),
		ownTransport: true,
		log:          slog.New(slog.DiscardHandler),
	}
	for _, o := range opts {
		if err := o(lb); err != nil {
			return nil, fmt.Errorf("fakecdn %s: %w", cfg.Name, err)
		}
	}
	lb.key = deriveKey(cfg.Seed, cfg.Name, 0)
	if cfg, err = lb.restore(cfg); err != nil {
		return nil, fmt.Errorf("fakecdn %s: %w", cfg.Name, err)
	}
	lb.metrics = newMetrics()
	lb.proxy = lb.newProxy()
	lb.proxy.Transport = &statusFailover{lb: lb, next: lb.proxy.Transport} // status_failover.go
	s, err := lb.build(cfg)
	if err != nil {
		return nil, err
	}
	// Saved at once: an unseeded key is random and must outlive a restart
	// even when no admin change ever happens.
	if err := lb.save(lb.savedState(cfg)); err != nil {
		return nil, fmt.Errorf("fakecdn %s: %w", cfg.Name, err)
	}
	lb.snap.Store(s)
	return lb, nil
}

// deriveKey gives each LB its own AES-256 key: from seed, name and the
// rotation count when seeded (reproducible), else from crypto/rand.
func deriveKey(seed int64, name string, n int) []byte {
	if seed == 0 {
		k := make([]byte, 32)
		_, _ = crand.Read(k)
		return k
	}
	sum := sha256.Sum256(fmt.Appendf(nil, "fakecdn/f5-encrypted/%d/%s/%d", seed, name, n))
	return sum[:]
}

// build makes the snapshot for cfg; lb.mu is held (or lb is not shared yet).
func (lb *LB) build(cfg Config) (*snapshot, error) {
	sel, hashing, err := newSelector(cfg, lb.pool, lb.rng)
	if err != nil {
		return nil, err
	}
	sel = lb.steer(cfg, sel)
	s := &snapshot{
		cfg:         cfg,
		pool:        lb.pool,
		selector:    sel,
		fallback:    &randomSelection{rng: lb.rng},
		hashing:     hashing,
		passthrough: *cfg.PassthroughSingle,
		headers:     *cfg.DecisionHeaders,
		keyGen:      lb.keyN,
		persist:     noPersistence{},
	}
	switch cfg.Persistence {
	case policy.PersistCookie:
		spec, err := codecSpec(cfg.Cookie.Codec)
		if err != nil {
			return nil, &FieldError{Field: "cookie.codec", Msg: err.Error()}
		}
		targets := make([]Target, len(lb.pool.members))
		for i, m := range lb.pool.members {
			targets[i] = m
		}
		codec, err := spec.New(CodecEnv{Pool: cfg.Name, Key: lb.key, Rand: lb.rng, Members: targets, Salt: cfg.Cookie.Salt})
		if err != nil {
			return nil, &FieldError{Field: "cookie.codec", Msg: err.Error()}
		}
		s.persist = &cookiePersistence{
			name: cfg.Cookie.Name, codec: codec, version1: spec.Version1,
			httpOnly: *cfg.Cookie.HTTPOnly, secure: cfg.Cookie.Secure,
			ttl: cfg.Cookie.TTL.Std(), pool: lb.pool, onError: lb.logCodecError,
			attrs: newCookieAttrs(cfg.Cookie),
			life:  cookieLife{maxIdle: cfg.Cookie.MaxIdle.Std(), maxLife: cfg.Cookie.MaxLife.Std()},
		}
	case policy.PersistSourceIP:
		lb.table.setTTL(cfg.SourceIPTTL.Std())
		s.persist = &sourceIPPersistence{header: cfg.SelectionHeader, table: lb.table, pool: lb.pool}
	}
	return s, nil
}

// Start runs the active health checks until ctx ends or Close is called.
// Calling it again does nothing.
func (lb *LB) Start(ctx context.Context) {
	if !lb.started.CompareAndSwap(false, true) {
		return
	}
	ctx, lb.cancel = context.WithCancel(ctx)
	for _, m := range lb.pool.members {
		lb.wg.Add(1)
		go func() {
			defer lb.wg.Done()
			lb.healthLoop(ctx, m)
		}()
	}
}

// Close stops the health checks and waits for them; it is idempotent.
func (lb *LB) Close() error {
	if !lb.closed.CompareAndSwap(false, true) {
		return nil
	}
	if lb.cancel != nil {
		lb.cancel()
	}
	lb.wg.Wait()
	if t, ok := lb.transport.(interface{ CloseIdleConnections() }); ok && lb.ownTransport {
		t.CloseIdleConnections()
	}
	return nil
}

// Name is the LB's configured name.
func (lb *LB) Name() string { return lb.snap.Load().cfg.Name }
