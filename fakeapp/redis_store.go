package fakeapp

import (
	"bufio"
	"context"
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
type RedisStore struct {
	c       *redis.Client
	addr    string
	prefix  string
	timeout time.Duration
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
func NewRedisStore(addr, prefix string, timeout time.Duration) (*RedisStore, error) {
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
	c := redis.NewClient(&redis.Options{
		Addr:         addr,
		DialTimeout:  redisDialTimeout,
		ReadTimeout:  redisCommandTimeout,
		WriteTimeout: redisCommandTimeout,
		MaxRetries:   1,
		// One dial per attempt: a refused connection is an outage to
		// report now, not to retry for half a second per request.
		DialerRetries: 1,
	})
	return &RedisStore{c: c, addr: addr, prefix: prefix, timeout: timeout}, nil
}

// Close releases the connections.
func (r *RedisStore) Close() error { return r.c.Close() }

// Addr is the server's HOST:PORT.
func (r *RedisStore) Addr() string { return r.addr }

func (r *RedisStore) key(id string) string { return "{" + r.prefix + "_" + id + "}_Data" }

func (r *RedisStore) fail(op, key string, err error) error {
	return fmt.Errorf("redis %s %s at %s: %w", op, key, r.addr, err)
}

func (r *RedisStore) Get(ctx context.Context, id string) (Session, bool, error) {
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
	m := get.Val()
	if len(m) == 0 {
		return Session{}, false, nil
	}
	return Session{ID: id, User: m["User"], AuthenKey: m["AuthenKey"]}, true, nil
}

func (r *RedisStore) Put(ctx context.Context, s Session) error {
	k := r.key(s.ID)
	_, err := r.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, k)
		p.HSet(ctx, k, "User", s.User, "AuthenKey", s.AuthenKey)
		p.Expire(ctx, k, r.timeout)
		return nil
	})
	if err != nil {
		return r.fail("HSET", k, err)
	}
	return nil
}

func (r *RedisStore) Delete(ctx context.Context, id string) error {
	k := r.key(id)
	if err := r.c.Del(ctx, k).Err(); err != nil {
		return r.fail("DEL", k, err)
	}
	return nil
}

// Len counts this prefix's sessions (every app sharing the store sees the
// same count).
func (r *RedisStore) Len(ctx context.Context) (int, error) {
	n := 0
	err := r.scan(ctx, func(keys []string) error {
		n += len(keys)
		return nil
	})
	return n, err
}

// Flush deletes this prefix's sessions, for every app sharing the store.
func (r *RedisStore) Flush(ctx context.Context) error {
	return r.scan(ctx, func(keys []string) error { return r.c.Del(ctx, keys...).Err() })
}

// scan hands each non-empty batch of this prefix's session keys to each.
func (r *RedisStore) scan(ctx context.Context, each func([]string) error) error {
	pattern := "{" + r.prefix + "_*}_Data"
	var cursor uint64
	for {
		keys, next, err := r.c.Scan(ctx, cursor, pattern, 500).Result()
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

// Evicted returns the server's evicted_keys (INFO stats): how many keys
// maxmemory has pushed out since the server started. Above zero, sessions
// are being lost to the memory bound.
func (r *RedisStore) Evicted(ctx context.Context) (int64, error) {
	info, err := r.c.Info(ctx, "stats").Result()
	if err != nil {
		return 0, r.fail("INFO", "stats", err)
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
