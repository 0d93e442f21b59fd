package fakecdn

import (
	"net/http"
	"strings"
	"sync"
	"time"
)

// Request-cookie status letters, as in HAProxy's log format (the meanings
// are in cookiestatus.go). They drive the decision for every persistence
// kind; the access log writes "-" when no cookie is configured.
const (
	statusNone    = 'N' // no persistence cookie / table entry
	statusInvalid = 'I' // present but undecodable or foreign
	statusDown    = 'D' // names a member that is down
	statusValid   = 'V' // names a member that serves it
)

// persister finds and records the member a request is pinned to.
type persister interface {
	// pinned returns the member r is pinned to (statusValid), or nil with
	// statusNone or statusInvalid.
	pinned(r *http.Request) (*member, byte)
	// pin pins r's client to m; it returns a Set-Cookie value or "".
	pin(r *http.Request, m *member) string
}

// noPersistence pins nothing: every request is balanced.
type noPersistence struct{}

func (noPersistence) pinned(*http.Request) (*member, byte) { return nil, statusNone }
func (noPersistence) pin(*http.Request, *member) string    { return "" }

// cookiePersistence inserts a cookie written by a codec; its attributes
// are in cookie_attrs.go and its server-side lifetime in cookie_lifetime.go.
type cookiePersistence struct {
	name     string
	codec    Codec
	version1 bool
	httpOnly bool
	secure   *bool // nil: when the client connection is HTTPS
	ttl      time.Duration
	attrs    cookieAttrs
	life     cookieLife
	pool     *pool
	onError  func(m *member, err error)
}

func (c *cookiePersistence) pinned(r *http.Request) (*member, byte) {
	raw, ok := requestCookie(r, c.name)
	if !ok {
		return nil, statusNone
	}
	value, dates := c.life.split(raw)
	t, ok := c.codec.Decode(value)
	if !ok {
		return nil, statusInvalid
	}
	if st := c.life.status(dates, time.Now()); st != statusValid {
		return nil, st
	}
	return c.pool.get(t.Name()), statusValid
}

func (c *cookiePersistence) pin(r *http.Request, m *member) string {
	now := time.Now()
	return c.write(r, m, now, now)
}

// refresh re-issues a valid cookie with its last-use date moved to now
// (HAProxy's maxidle update, response letter U), or "" when no date is kept.
func (c *cookiePersistence) refresh(r *http.Request, m *member) string {
	if c.life.maxIdle <= 0 {
		return ""
	}
	raw, ok := requestCookie(r, c.name)
	if !ok {
		return ""
	}
	_, dates := c.life.split(raw)
	first := dates.first
	if first.IsZero() {
		first = time.Now()
	}
	return c.write(r, m, first, time.Now())
}

func (c *cookiePersistence) write(r *http.Request, m *member, first, last time.Time) string {
	if c.attrs.expiry == "NONE" {
		return "" // Akamai: origin stickiness cookie disabled
	}
	v, err := c.codec.Encode(m)
	if err != nil {
		c.onError(m, err)
		return ""
	}
	v = c.life.stamp(v, first, last)
	var b strings.Builder
	b.Grow(len(c.name) + len(v) + 96)
	b.WriteString(c.name)
	b.WriteByte('=')
	b.WriteString(v)
	b.WriteString("; Path=/")
	c.writeExpiry(&b)
	if c.version1 {
		b.WriteString("; Version=1")
	}
	secure := c.secure != nil && *c.secure || c.secure == nil && clientHTTPS(r)
	if secure {
		b.WriteString("; Secure")
	}
	if c.httpOnly {
		b.WriteString("; HttpOnly")
	}
	if c.attrs.sameSite != "" {
		b.WriteString("; SameSite=")
		b.WriteString(c.attrs.sameSite)
	}
	c.writeCORS(&b, v)
	return b.String()
}

// clientHTTPS reports whether the client-facing scheme is HTTPS.
func clientHTTPS(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// sourceIPPersistence pins a client key (peer IP or selection_header) to a
// member in a table whose entries expire ttl after their last use.
type sourceIPPersistence struct {
	header string
	table  *stickTable
	pool   *pool
}

func (s *sourceIPPersistence) pinned(r *http.Request) (*member, byte) {
	name, ok := s.table.get(clientKey(r, s.header))
	if !ok {
		return nil, statusNone
	}
	m := s.pool.get(name)
	if m == nil {
		return nil, statusInvalid
	}
	return m, statusValid
}

func (s *sourceIPPersistence) pin(r *http.Request, m *member) string {
	s.table.put(clientKey(r, s.header), m.name)
	return ""
}

// stickTable maps client keys to member names with a sliding TTL. It
// belongs to the LB, so policy changes keep it.
type stickTable struct {
	mu      sync.Mutex
	ttl     time.Duration
	entries map[string]stickEntry
	puts    int
}

type stickEntry struct {
	member  string
	expires time.Time
}

func newStickTable() *stickTable { return &stickTable{entries: map[string]stickEntry{}} }

func (t *stickTable) setTTL(d time.Duration) {
	t.mu.Lock()
	t.ttl = d
	t.mu.Unlock()
}

// clear forgets every entry, as a restarted balancer has none.
func (t *stickTable) clear() {
	t.mu.Lock()
	clear(t.entries)
	t.mu.Unlock()
}

func (t *stickTable) get(key string) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.entries[key]
	now := time.Now()
	if !ok || now.After(e.expires) {
		delete(t.entries, key)
		return "", false
	}
	e.expires = now.Add(t.ttl)
	t.entries[key] = e
	return e.member, true
}

func (t *stickTable) put(key, member string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now()
	t.entries[key] = stickEntry{member: member, expires: now.Add(t.ttl)}
	if t.puts++; t.puts%1024 == 0 {
		for k, e := range t.entries {
			if now.After(e.expires) {
				delete(t.entries, k)
			}
		}
	}
}
