package fakecdn

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

func TestParseConfigFull(t *testing.T) {
	cfg, err := ParseConfig([]byte(`
role: dc
name: dc-east
seed: 42
members:
  - {name: dc-east-1, url: "http://127.0.0.1:9001", weight: 2}
  - {name: dc-east-2, url: "http://127.0.0.1:9002"}
selection: consistent-hash
selection_header: True-Client-IP
hash_cookie: ASP.NET_SessionId
persistence: cookie
cookie: {name: lbs, codec: f5-plain, ttl: 1h}
source_ip_ttl: 5m
undecodable: reject
on_member_down: strict
passthrough_single: false
decision_headers: false
health: {path: /up, interval: 250ms, timeout: 100ms, rise: 3, fall: 1}
`))
	if err != nil {
		t.Fatal(err)
	}
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if cfg.Cookie.TTL.Std() != time.Hour || cfg.Health.Interval.Std() != 250*time.Millisecond ||
		cfg.SourceIPTTL.Std() != 5*time.Minute || *cfg.PassthroughSingle || *cfg.DecisionHeaders ||
		cfg.Members[1].Weight != 1 || cfg.Members[0].Weight != 2 || cfg.Seed != 42 {
		t.Fatalf("parsed %+v", cfg)
	}
}

func TestParseConfigUnknownFieldNamesLine(t *testing.T) {
	_, err := ParseConfig([]byte("role: edge\nname: edge\nselecton: random\n"))
	if err == nil || !strings.Contains(err.Error(), "selecton") || !strings.Contains(err.Error(), "3:") {
		t.Fatalf("want unknown field with line 3, got %v", err)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Fatalf("error is not one line: %q", err)
	}
}

func TestParseConfigBadDuration(t *testing.T) {
	_, err := ParseConfig([]byte("members: []\nsource_ip_ttl: soon\n"))
	if err == nil || !strings.Contains(err.Error(), "soon") {
		t.Fatalf("want duration error, got %v", err)
	}
}

func TestDefaults(t *testing.T) {
	edge := Config{Members: []MemberConfig{{Name: "a", URL: "http://a:80"}}}.WithDefaults()
	if edge.Role != "edge" || edge.Name != "edge" || edge.Cookie.Name != "cdn_dc" || !*edge.PassthroughSingle ||
		!*edge.DecisionHeaders || edge.Cookie.Codec != "f5-encrypted" || edge.Health.Rise != 2 {
		t.Fatalf("edge defaults: %+v", edge)
	}
	dc := Config{Role: "dc", Name: "dc-east"}.WithDefaults()
	if dc.Cookie.Name != "lbs" || *dc.PassthroughSingle {
		t.Fatalf("dc defaults: %+v", dc)
	}
}

func TestValidateReportsEveryField(t *testing.T) {
	cfg := Config{Role: "cdn", Members: []MemberConfig{
		{Name: "a", URL: "http://a:80"},
		{Name: "a", URL: "ftp://b", Weight: -1},
	}, Tier: policy.Tier{Persistence: "foo", Selection: "consistent-hash", Cookie: CookieConfig{Codec: "rot13"}}}.WithDefaults()
	err := cfg.Validate()
	var ce ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("want ConfigError, got %v", err)
	}
	for _, want := range []string{
		`role: "cdn" is not one of edge, dc`,
		`members[1].name: "a" is used twice`,
		`members[1].url:`,
		`members[1].weight: must be > 0`,
		`persistence: "foo" is not one of none, cookie, source-ip`,
		`hash_cookie:`,
		`cookie.codec: "rot13" is not one of`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in %v", want, err)
		}
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("not one line: %q", err)
	}
}
