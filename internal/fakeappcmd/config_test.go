package fakeappcmd

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/fakeapp"
)

func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func TestParseConfigDefaults(t *testing.T) {
	o, err := parseConfig([]string{"--datacenter", "dc-east"}, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if o.Addr != ":8080" || o.AdminAddr != ":8081" {
		t.Errorf("addresses = %q %q", o.Addr, o.AdminAddr)
	}
	c := o.App
	if c.Datacenter != "dc-east" || c.KeyScope != fakeapp.KeyScopeDatacenter || c.SecureCookies != "auto" ||
		c.SessionTimeout != 20*time.Minute || c.MaxSessions != 100000 || c.Users["alice"] != "wonderland" ||
		c.AntiForgeryCookie != fakeapp.DefaultAntiForgeryCookie {
		t.Errorf("config = %+v", c)
	}
	if _, err := fakeapp.New(c); err != nil {
		t.Errorf("New(defaults): %v", err)
	}
}

func TestParseConfigFlagsBeatEnvironmentBeatsDefaults(t *testing.T) {
	e := env(map[string]string{
		"FAKEAPP_DATACENTER": "dc-west", "FAKEAPP_INSTANCE": "dc-west-2", "FAKEAPP_KEY_SCOPE": "instance",
		"FAKEAPP_ADDR": "127.0.0.1:9000", "FAKEAPP_USERS": "bob:builder,carol:secret",
		"FAKEAPP_SESSION_TIMEOUT": "5m", "FAKEAPP_MAX_SESSIONS": "10", "FAKEAPP_ADMIN_HOSTS": "dc-west-2,127.0.0.2",
	})
	o, err := parseConfig([]string{"--key-scope", "shared", "--secure-cookies", "never"}, e)
	if err != nil {
		t.Fatal(err)
	}
	c := o.App
	if c.Datacenter != "dc-west" || c.Instance != "dc-west-2" || o.Addr != "127.0.0.1:9000" ||
		c.SessionTimeout != 5*time.Minute || c.MaxSessions != 10 || c.Users["carol"] != "secret" || len(c.Users) != 2 {
		t.Errorf("environment not used: %+v %+v", o, c)
	}
	if strings.Join(c.AdminHosts, " ") != "dc-west-2 127.0.0.2" {
		t.Errorf("admin hosts from the environment: %q", c.AdminHosts)
	}
	if c.KeyScope != fakeapp.KeyScopeShared || c.SecureCookies != "never" {
		t.Errorf("flags did not override: %+v", c)
	}
}

func TestParseConfigRedisSessions(t *testing.T) {
	e := env(map[string]string{"FAKEAPP_SESSIONS": "redis", "FAKEAPP_REDIS_ADDR": "127.0.0.1:6379"})
	o, err := parseConfig([]string{"--datacenter", "dc", "--redis-prefix", "portal"}, e)
	if err != nil {
		t.Fatal(err)
	}
	store, ok := o.App.Sessions.(*fakeapp.RedisStore)
	if !ok || store.Addr() != "127.0.0.1:6379" {
		t.Fatalf("Sessions = %#v, want a RedisStore on 127.0.0.1:6379", o.App.Sessions)
	}
	store.Close()
	if store.ReadsReplica() {
		t.Fatal("without --redis-write-addr the store writes where it reads")
	}
	o, err = parseConfig([]string{"--datacenter", "dc", "--redis-write-addr", "10.0.0.1:6379"}, e)
	if err != nil {
		t.Fatal(err)
	}
	store = o.App.Sessions.(*fakeapp.RedisStore)
	store.Close()
	if !store.ReadsReplica() || store.WriteAddr() != "10.0.0.1:6379" {
		t.Fatalf("--redis-write-addr: store writes %s", store.WriteAddr())
	}
	if o, _ := parseConfig([]string{"--datacenter", "dc"}, env(nil)); o.App.Sessions != nil {
		t.Fatalf("default Sessions = %#v, want nil (InProc memory)", o.App.Sessions)
	}
}

func TestParseConfigErrorsNameTheProblem(t *testing.T) {
	cases := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--datacenter", "dc", "--key-scope", "foo"}, nil, `--key-scope "foo": must be instance, datacenter or shared`},
		{nil, nil, `--datacenter "": must not be empty`},
		{[]string{"--datacenter", "dc", "--addr", "8080"}, nil, `--addr "8080": must be HOST:PORT`},
		{[]string{"--datacenter", "dc", "--addr", ":http"}, nil, `--addr ":http": port "http" must be a number`},
		{[]string{"--datacenter", "dc", "--admin-addr", ":70000"}, nil, `--admin-addr ":70000": port "70000"`},
		{[]string{"--datacenter", "dc", "--admin-addr", ":8080"}, nil, `--admin-addr ":8080": must differ from --addr`},
		{[]string{"--datacenter", "dc", "--secure-cookies", "yes"}, nil, `--secure-cookies "yes"`},
		{[]string{"--datacenter", "dc", "--session-timeout", "soon"}, nil, `--session-timeout "soon"`},
		{[]string{"--datacenter", "dc", "--max-sessions", "-3"}, nil, `--max-sessions "-3"`},
		{[]string{"--datacenter", "dc", "--users", "alice"}, nil, `--users "alice": entry "alice" must be user:password`},
		{[]string{"--datacenter", "dc"}, map[string]string{"FAKEAPP_KEY_SCOPE": "farm"}, `--key-scope (from FAKEAPP_KEY_SCOPE) "farm"`},
		{[]string{"--datacenter", "dc", "extra"}, nil, `unexpected argument "extra"`},
		{[]string{"--datacenter", "dc", "--sessions", "sql"}, nil, `--sessions "sql": must be memory or redis`},
		{[]string{"--datacenter", "dc", "--sessions", "redis"}, nil, `--redis-addr "": with --sessions redis: must be HOST:PORT`},
		{[]string{"--datacenter", "dc", "--sessions", "redis", "--redis-addr", ":6379", "--redis-prefix", "a*"}, nil, `--redis-prefix "a*"`},
		{[]string{"--datacenter", "dc", "--sessions", "redis", "--redis-addr", ":6379", "--redis-write-addr", "primary"}, nil, `--redis-write-addr "primary": must be HOST:PORT`},
		{[]string{"--nope"}, nil, `flag provided but not defined: -nope`},
		{[]string{"--datacenter", "dc"}, map[string]string{"FAKEAPP_ADMIN_HOSTS": "dc-1:8081"}, `--admin-hosts (from FAKEAPP_ADMIN_HOSTS) "dc-1:8081": host "dc-1:8081"`},
	}
	for _, tc := range cases {
		_, err := parseConfig(tc.args, env(tc.env))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseConfig(%q) error = %v, want %s", tc.args, err, tc.want)
		}
	}
}

func TestRunBadConfigExits2WithOneLine(t *testing.T) {
	for _, args := range [][]string{
		{"--datacenter", "dc", "--key-scope", "foo"},
		{"--datacenter", "dc east"}, // rejected by fakeapp.New
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), args, env(nil), &stdout, &stderr)
		if code != 2 {
			t.Errorf("run(%q) = %d, want 2", args, code)
		}
		if lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], "fakeapp: ") {
			t.Errorf("run(%q) stderr = %q, want one line starting with fakeapp:", args, stderr.String())
		}
	}
}

func TestRunHelpExits0(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"-h"}, env(nil), &stdout, &stderr); code != 0 {
		t.Fatalf("run(-h) = %d", code)
	}
	if !strings.Contains(stdout.String(), "--key-scope") {
		t.Error("usage lacks --key-scope")
	}
}
