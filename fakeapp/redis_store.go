package fakeapp

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisStore is a SessionStore in Redis, laid out as ASP.NET's Redis
// session-state provider lays it out: one hash per session under
// "{<prefix>_<ASP.NET_SessionId>}_Data", whose expiry is set to the session
// timeout on every write and renewed on every read (a sliding timeout). The
// store's memory is bounded by the server's maxmemory and eviction policy;
// Evicted reports when it bites. It is safe for concurrent use.
//
// With WriteTo, reads go to one server (a replica in the app's own
// datacenter) and writes, the sliding expiry's included, to another (the
// primary): a session written there is seen here only once it has
// replicated.
type RedisStore struct {
	c, w    *redis.Client // reads, writes: the same client unless WriteTo
	addr    string
	waddr   string
	prefix  string
	timeout time.Duration
}

// RedisOption configures NewRedisStore.
type RedisOption func(*RedisStore) error

// WriteTo sends the store's writes to the server at addr (HOST:PORT), the
// primary of the replica NewRedisStore reads from.
func WriteTo(addr string) RedisOption {
	return func(r *RedisStore) error {
		if addr == "" {
			return fmt.Errorf("fakeapp: redis write address %q: must be HOST:PORT", addr)
		}
		r.waddr = addr
		return nil
	}
}

// Redis connection defaults: an app answers a session-store failure within
// about a second instead of hanging its request.
const (
	DefaultRedisPrefix  = "stickylab"
	redisDialTimeout    = time.Second
	redisCommandTimeout = time.Second
)

// NewRedisStore returns a store on the Redis server at addr (HOST:PORT).
// Nothing is dialled yet: an unreachable server fails the requests that need
// it, not the app's start, as with ASP.NET's provider. prefix defaults to
// DefaultRedisPrefix, timeout to DefaultSessionTimeout.
func NewRedisStore(addr, prefix string, timeout time.Duration, opts ...RedisOption) (*RedisStore, error) {
	if addr == "" {
		return nil, fmt.Errorf("fakeapp: redis address %q: must be HOST:PORT", addr)
	}
	if prefix == "" {
		prefix = DefaultRedisPrefix
	}
	if strings.ContainsAny(prefix, "*?[]\\{} \t\r\n") {
		return nil, fmt.Errorf("fakeapp: redis prefix %q: must not contain glob characters, braces or spaces", prefix)
	}
	if timeout <= 0 {
		timeout = DefaultSessionTimeout
	}
	r := &RedisStore{addr: addr, waddr: addr, prefix: prefix, timeout: timeout}
	for _, o := range opts {
		if err := o(r); err != nil {
			return nil, err
		}
	}
	r.c = newRedisClient(r.addr)
	r.w = r.c
	if r.waddr != r.addr {
		r.w = newRedisClient(r.waddr)
	}
	return r, nil
}

func newRedisClient(addr string) *redis.Client {
	return redis.NewClient(&redis.Options{
		Addr:         addr,
		DialTimeout:  redisDialTimeout,
		ReadTimeout:  redisCommandTimeout,
		WriteTimeout: redisCommandTimeout,
		MaxRetries:   1,
		// One dial per attempt: a refused connection is an outage to
		// report now, not to retry for half a second per request.
		DialerRetries: 1,
	})
}

// Close releases the connections.
func (r *RedisStore) Close() error {
	if r.w != r.c {
		return errors.Join(r.c.Close(), r.w.Close())
	}
	return r.c.Close()
}

// Addr is the HOST:PORT of the server sessions are read from.
func (r *RedisStore) Addr() string { return r.addr }

// WriteAddr is the HOST:PORT of the server sessions are written to.
func (r *RedisStore) WriteAddr() string { return r.waddr }

// ReadsReplica reports whether reads and writes go to different servers:
// the store reads a replica that may lag behind the primary it writes.
func (r *RedisStore) ReadsReplica() bool { return r.waddr != r.addr }

func (r *RedisStore) key(id string) string { return "{" + r.prefix + "_" + id + "}_Data" }

func (r *RedisStore) fail(op, key string, err error) error {
	return fmt.Errorf("redis %s %s at %s: %w", op, key, r.addr, err)
}

func (r *RedisStore) failWrite(op, key string, err error) error {
	return fmt.Errorf("redis %s %s at %s: %w", op, key, r.waddr, err)
}

func (r *RedisStore) Get(ctx context.Context, id string) (Session, bool, error) {
	if r.ReadsReplica() {
		return r.getReplica(ctx, id)
	}
	k := r.key(id)
	var get *redis.MapStringStringCmd
	_, err := r.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		get = p.HGetAll(ctx, k)
		p.Expire(ctx, k, r.timeout) // the sliding timeout; no-op when absent
		return nil
	})
	if err != nil {
		return Session{}, false, r.fail("HGETALL", k, err)
	}
	return sessionOf(id, get.Val())
}

// getReplica reads the replica, then renews the expiry on the primary: a
// replica is read-only, and its keys expire when the primary's do.
func (r *RedisStore) getReplica(ctx context.Context, id string) (Session, bool, error) {
	k := r.key(id)
	m, err := r.c.HGetAll(ctx, k).Result()
	if err != nil {
		return Session{}, false, r.fail("HGETALL", k, err)
	}
	if len(m) == 0 {
		return Session{}, false, nil
	}
	if err := r.w.Expire(ctx, k, r.timeout).Err(); err != nil {
		return Session{}, false, r.failWrite("EXPIRE", k, err)
	}
	return sessionOf(id, m)
}

func sessionOf(id string, m map[string]string) (Session, bool, error) {
	if len(m) == 0 {
		return Session{}, false, nil
	}
	return Session{ID: id, User: m["User"], AuthenKey: m["AuthenKey"]}, true, nil
}

func (r *RedisStore) Put(ctx context.Context, s Session) error {
	k := r.key(s.ID)
	_, err := r.w.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, k)
		p.HSet(ctx, k, "User", s.User, "AuthenKey", s.AuthenKey)
		p.Expire(ctx, k, r.timeout)
		return nil
	})
	if err != nil {
		return r.failWrite("HSET", k, err)
	}
	return nil
}

func (r *RedisStore) Delete(ctx context.Context, id string) error {
	k := r.key(id)
	if err := r.w.Del(ctx, k).Err(); err != nil {
		return r.failWrite("DEL", k, err)
	}
	return nil
}

// Len counts this prefix's sessions (every app sharing the store sees the
// same count), on the server sessions are read from.
func (r *RedisStore) Len(ctx context.Context) (int, error) {
	n := 0
	err := r.scan(ctx, r.c, func(keys []string) error {
		n += len(keys)
		return nil
	})
	return n, err
}

// Flush deletes this prefix's sessions, for every app sharing the store
// (on the server written to; replicas follow).
func (r *RedisStore) Flush(ctx context.Context) error {
	return r.scan(ctx, r.w, func(keys []string) error { return r.w.Del(ctx, keys...).Err() })
}

// scan hands each non-empty batch of this prefix's session keys on c to each.
func (r *RedisStore) scan(ctx context.Context, c *redis.Client, each func([]string) error) error {
	pattern := "{" + r.prefix + "_*}_Data"
	var cursor uint64
	for {
		keys, next, err := c.Scan(ctx, cursor, pattern, 500).Result()
		if err != nil {
			return r.fail("SCAN", pattern, err)
		}
		if len(keys) > 0 {
			if err := each(keys); err != nil {
				return r.fail("SCAN", pattern, err)
			}
		}
		if cursor = next; cursor == 0 {
			return nil
		}
	}
}

// Evicted returns the evicted_keys (INFO stats) of the server written to:
// how many keys maxmemory has pushed out since it started. Above zero,
// sessions are being lost to the memory bound. (A replica does not evict:
// it deletes what its primary evicts.)
func (r *RedisStore) Evicted(ctx context.Context) (int64, error) {
	info, err := r.w.Info(ctx, "stats").Result()
	if err != nil {
		return 0, r.failWrite("INFO", "stats", err)
	}
	return parseInfoInt(info, "evicted_keys")
}

// parseInfoInt finds "field:N" in an INFO reply.
func parseInfoInt(info, field string) (int64, error) {
	sc := bufio.NewScanner(strings.NewReader(info))
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimSpace(sc.Text()), ":")
		if ok && k == field {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return 0, fmt.Errorf("redis INFO %s %q: %w", field, v, err)
			}
			return n, nil
		}
	}
	return 0, nil // a server that does not report it (miniredis) has evicted nothing
}

// ReplicationOffsets are the replication offsets (INFO replication
// master_repl_offset) of the server sessions are read from and of the one
// they are written to: once the first reaches a value the second had, the
// replica holds every write made before it.
func (r *RedisStore) ReplicationOffsets(ctx context.Context) (read, write int64, err error) {
	if read, err = replOffset(ctx, r.c); err != nil {
		return 0, 0, r.fail("INFO", "replication", err)
	}
	if write, err = replOffset(ctx, r.w); err != nil {
		return 0, 0, r.failWrite("INFO", "replication", err)
	}
	return read, write, nil
}

func replOffset(ctx context.Context, c *redis.Client) (int64, error) {
	info, err := c.Info(ctx, "replication").Result()
	if err != nil {
		return 0, err
	}
	return parseInfoInt(info, "master_repl_offset")
}
