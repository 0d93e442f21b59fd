package fakeapp

import (
	"strings"
	"testing"
	"time"
)

func TestNewRejectsBadConfigNamingFieldAndValue(t *testing.T) {
	cases := []struct {
		cfg  Config
		want string
	}{
		{Config{}, `Config.Datacenter ""`},
		{Config{Datacenter: "dc east"}, `Config.Datacenter "dc east"`},
		{Config{Datacenter: "dc", Instance: "a/b"}, `Config.Instance "a/b"`},
		{Config{Datacenter: "dc", KeyScope: "farm"}, `Config.KeyScope "farm": must be instance, datacenter or shared`},
		{Config{Datacenter: "dc", SecureCookies: "sometimes"}, `Config.SecureCookies "sometimes"`},
		{Config{Datacenter: "dc", SessionTimeout: -time.Second}, `Config.SessionTimeout -1s`},
		{Config{Datacenter: "dc", MaxSessions: -1}, `Config.MaxSessions -1`},
		{Config{Datacenter: "dc", AntiForgeryCookie: "a;b"}, `Config.AntiForgeryCookie "a;b"`},
		{Config{Datacenter: "dc", Users: map[string]string{"": "x"}}, `Config.Users: user name ""`},
		{Config{Datacenter: "dc", Users: map[string]string{"bob": ""}}, `Config.Users: user "bob"`},
	}
	for _, tc := range cases {
		_, err := New(tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v) error = %v, want it to contain %s", tc.cfg, err, tc.want)
		}
	}
}

func TestNewFillsDefaults(t *testing.T) {
	app := newApp(t, Config{Datacenter: "dc-east"})
	c := app.cfg
	if c.Instance != "dc-east-1" || c.KeyScope != KeyScopeDatacenter || c.KeySecret != DefaultKeySecret ||
		c.SecureCookies != "auto" || c.SessionTimeout != 20*time.Minute || c.MaxSessions != 100000 ||
		c.AntiForgeryCookie != "__RequestVerificationToken_L1ZQQw2" || c.Users["alice"] != "wonderland" {
		t.Fatalf("defaults not applied: %+v", c)
	}
}

func TestNewDoesNotShareTheCallersUserMap(t *testing.T) {
	users := map[string]string{"alice": "wonderland"}
	b := newBrowser(t, newApp(t, Config{Users: users}))
	b.login()
	b.get("/account/password")
	b.post("/account/password", passwordForm(b.formToken(), "wonderland", "x", "x"))
	if users["alice"] != "wonderland" {
		t.Fatal("password change leaked into the caller's map")
	}
}
