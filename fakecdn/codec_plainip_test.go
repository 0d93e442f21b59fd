package fakecdn

import (
	"net/http"
	"testing"
)

func TestPlainIPWritesTheMembersAddress(t *testing.T) {
	c, err := NewCodec("plain-ip", testEnv(1))
	if err != nil {
		t.Fatal(err)
	}
	if v, err := c.Encode(codecTargets[1]); err != nil || v != "10.1.1.101:8080" {
		t.Fatalf("encode dc-east-2 = %q, %v; want 10.1.1.101:8080", v, err)
	}
	if got, ok := c.Decode("10.1.1.100:80"); !ok || got.Name() != "dc-east-1" {
		t.Fatalf("decode 10.1.1.100:80 = %v, %v; want dc-east-1", got, ok)
	}
	for _, bad := range []string{"10.1.1.102:80", "10.1.1.100:081", "10.1.1.100", "dc-east-1", "[::ffff:10.1.1.100]:80", ""} {
		if got, ok := c.Decode(bad); ok {
			t.Errorf("%q decoded to %s; only a member's canonical address may", bad, got.Name())
		}
	}
}

// The codec is one file: a configuration names it, and the LB pins with it.
func TestPlainIPPinsThroughTheLB(t *testing.T) {
	a, b := newBackend(t, "dc-east-1"), newBackend(t, "dc-east-2")
	cfg, err := ParseConfig([]byte("role: dc\nname: dc-east\npersistence: cookie\ncookie: {name: SRV, codec: plain-ip}\nmembers:\n" +
		"  - {name: dc-east-1, url: " + a.srv.URL + "}\n  - {name: dc-east-2, url: " + b.srv.URL + "}\n"))
	if err != nil {
		t.Fatal(err)
	}
	lb := newTestLB(t, cfg.WithDefaults())
	resp := do(t, lb, map[string]string{"SRV": b.srv.Listener.Addr().String()})
	if got := resp.Header.Get("X-Served-By"); got != "dc-east-2" || reasonOf(resp) != ReasonPersisted {
		t.Fatalf("a cookie naming dc-east-2's address went to %s (%s)", got, resp.Header.Get(HeaderLB))
	}
	var set *http.Cookie
	for _, c := range do(t, lb, nil).Cookies() {
		if c.Name == "SRV" {
			set = c
		}
	}
	if set == nil || (set.Value != a.srv.Listener.Addr().String() && set.Value != b.srv.Listener.Addr().String()) {
		t.Fatalf("the LB set %v; want SRV=<a member's ip:port>", set)
	}
}
