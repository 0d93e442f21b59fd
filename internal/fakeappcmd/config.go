package fakeappcmd

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/stickylab/stickylab/fakeapp"
	"github.com/stickylab/stickylab/internal/localguard"
)

// options is everything the command line says.
type options struct {
	Addr, AdminAddr string
	App             fakeapp.Config
}

// setting is one flag with its environment fallback.
type setting struct {
	flag, env, def, usage string
	value                 *string
}

// parseConfig reads flags, falling back to FAKEAPP_* environment variables,
// then to defaults, and checks every value. Errors are one line naming the
// flag (or the variable it came from) and the value.
func parseConfig(args []string, getenv func(string) string) (options, error) {
	fs := flag.NewFlagSet("fakeapp", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported by the caller, in one line
	settings := []*setting{
		{flag: "addr", env: "FAKEAPP_ADDR", def: ":8080", usage: "HOST:PORT for the portal"},
		{flag: "admin-addr", env: "FAKEAPP_ADMIN_ADDR", def: ":8081", usage: "HOST:PORT for the admin API"},
		{flag: "admin-hosts", env: "FAKEAPP_ADMIN_HOSTS", usage: "host names the admin API also answers, comma separated (loopback and localhost always)"},
		{flag: "datacenter", env: "FAKEAPP_DATACENTER", usage: "datacenter name (required)"},
		{flag: "instance", env: "FAKEAPP_INSTANCE", usage: "instance name (default <datacenter>-1)"},
		{flag: "key-scope", env: "FAKEAPP_KEY_SCOPE", def: "datacenter", usage: "machine key scope: instance, datacenter or shared"},
		{flag: "key-secret", env: "FAKEAPP_KEY_SECRET", usage: "secret the machine key is derived from (default: a fixed public lab secret)"},
		{flag: "secure-cookies", env: "FAKEAPP_SECURE_COOKIES", def: "auto", usage: "Secure cookie flag: auto, always or never"},
		{flag: "session-timeout", env: "FAKEAPP_SESSION_TIMEOUT", def: "20m", usage: "sliding session timeout"},
		{flag: "max-sessions", env: "FAKEAPP_MAX_SESSIONS", def: "100000", usage: "sessions kept; least recently used evicted beyond"},
		{flag: "sessions", env: "FAKEAPP_SESSIONS", def: "memory", usage: "session store: memory (InProc) or redis"},
		{flag: "redis-addr", env: "FAKEAPP_REDIS_ADDR", usage: "HOST:PORT of the Redis session store (with --sessions redis)"},
		{flag: "redis-write-addr", env: "FAKEAPP_REDIS_WRITE_ADDR", usage: "HOST:PORT of the Redis primary to write sessions to, when --redis-addr is a read-only replica (default: --redis-addr)"},
		{flag: "redis-prefix", env: "FAKEAPP_REDIS_PREFIX", def: fakeapp.DefaultRedisPrefix, usage: "application prefix of the Redis session keys"},
		{flag: "users", env: "FAKEAPP_USERS", def: "alice:wonderland", usage: "user:password list, comma separated"},
		{flag: "antiforgery-cookie", env: "FAKEAPP_ANTIFORGERY_COOKIE", def: fakeapp.DefaultAntiForgeryCookie, usage: "anti-forgery cookie name"},
		{flag: "state-file", env: "FAKEAPP_STATE_FILE", usage: "save the settings changed through the admin API (the machine key scope) here, and restore them at start (as an edited web.config outlives a restart)"},
	}
	byFlag := map[string]*setting{}
	for _, s := range settings {
		def := s.def
		if v := getenv(s.env); v != "" {
			def = v
		}
		s.value = fs.String(s.flag, def, s.usage+" [$"+s.env+"]")
		byFlag[s.flag] = s
	}
	if err := fs.Parse(args); err != nil {
		return options{}, err // flag.ErrHelp included: the caller prints usage
	}
	if fs.NArg() > 0 {
		return options{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	// bad names a value by the flag and, when it came from the
	// environment, by the variable too, so the fix is obvious.
	bad := func(name, why string) error {
		s := byFlag[name]
		where := "--" + name
		if !set[name] && getenv(s.env) != "" {
			where += " (from " + s.env + ")"
		}
		return fmt.Errorf("%s %q: %s", where, *s.value, why)
	}
	get := func(name string) string { return *byFlag[name].value }
	return buildOptions(get, bad)
}

func buildOptions(get func(string) string, bad func(name, why string) error) (options, error) {
	var o options
	for _, name := range []string{"addr", "admin-addr"} {
		if err := checkAddr(get(name)); err != nil {
			return o, bad(name, err.Error())
		}
	}
	o.Addr, o.AdminAddr = get("addr"), get("admin-addr")
	if o.Addr == o.AdminAddr {
		return o, bad("admin-addr", "must differ from --addr")
	}
	if get("datacenter") == "" {
		return o, bad("datacenter", "must not be empty")
	}
	switch get("key-scope") {
	case "instance", "datacenter", "shared":
	default:
		return o, bad("key-scope", "must be instance, datacenter or shared")
	}
	switch get("secure-cookies") {
	case "auto", "always", "never":
	default:
		return o, bad("secure-cookies", "must be auto, always or never")
	}
	timeout, err := time.ParseDuration(get("session-timeout"))
	if err != nil || timeout <= 0 {
		return o, bad("session-timeout", "must be a positive duration such as 20m")
	}
	maxSessions, err := strconv.Atoi(get("max-sessions"))
	if err != nil || maxSessions <= 0 {
		return o, bad("max-sessions", "must be a positive integer")
	}
	users, err := parseUsers(get("users"))
	if err != nil {
		return o, bad("users", err.Error())
	}
	o.App = fakeapp.Config{
		Datacenter: get("datacenter"), Instance: get("instance"),
		KeyScope: fakeapp.KeyScope(get("key-scope")), KeySecret: get("key-secret"),
		SecureCookies: get("secure-cookies"), SessionTimeout: timeout, MaxSessions: maxSessions,
		Users: users, AntiForgeryCookie: get("antiforgery-cookie"), StateFile: get("state-file"),
	}
	if err := sessionStore(&o.App, get, bad); err != nil {
		return o, err
	}
	if h := get("admin-hosts"); h != "" {
		o.App.AdminHosts = strings.Split(h, ",")
		if _, err := localguard.New(o.App.AdminHosts...); err != nil {
			return o, bad("admin-hosts", err.Error())
		}
	}
	return o, nil
}

// sessionStore sets cfg.Sessions from --sessions: nil (InProc memory) or a
// Redis store, which dials nothing until the first request needs it.
func sessionStore(cfg *fakeapp.Config, get func(string) string, bad func(name, why string) error) error {
	switch get("sessions") {
	case "memory":
		return nil
	case "redis":
	default:
		return bad("sessions", "must be memory or redis")
	}
	if err := checkAddr(get("redis-addr")); err != nil {
		return bad("redis-addr", "with --sessions redis: "+err.Error())
	}
	var opts []fakeapp.RedisOption
	if w := get("redis-write-addr"); w != "" {
		if err := checkAddr(w); err != nil {
			return bad("redis-write-addr", err.Error())
		}
		opts = append(opts, fakeapp.WriteTo(w))
	}
	store, err := fakeapp.NewRedisStore(get("redis-addr"), get("redis-prefix"), cfg.SessionTimeout, opts...)
	if err != nil {
		return bad("redis-prefix", err.Error())
	}
	cfg.Sessions = store
	return nil
}

// checkAddr accepts HOST:PORT with an empty or named host and a numeric
// port, the forms net.Listen takes.
func checkAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return errors.New("must be HOST:PORT, e.g. :8080 or 127.0.0.1:8080")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("port %q must be a number from 0 to 65535", port)
	}
	return nil
}

func parseUsers(s string) (map[string]string, error) {
	users := map[string]string{}
	for _, pair := range strings.Split(s, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		name, pw, ok := strings.Cut(pair, ":")
		if !ok || name == "" || pw == "" {
			return nil, fmt.Errorf("entry %q must be user:password", pair)
		}
		users[name] = pw
	}
	if len(users) == 0 {
		return nil, errors.New("must name at least one user:password")
	}
	return users, nil
}
