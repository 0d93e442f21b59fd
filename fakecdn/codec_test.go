package fakecdn

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

type fakeTarget struct{ name, hostPort string }

func (f fakeTarget) Name() string     { return f.name }
func (f fakeTarget) HostPort() string { return f.hostPort }
func (f fakeTarget) AddrPort() (netip.AddrPort, error) {
	return netip.ParseAddrPort(f.hostPort)
}

var codecTargets = []Target{
	fakeTarget{"dc-east-1", "10.1.1.100:80"},
	fakeTarget{"dc-east-2", "10.1.1.101:8080"},
}

func testEnv(key byte) CodecEnv {
	k := make([]byte, 32)
	k[0] = key
	return CodecEnv{Pool: "dc-east", Key: k, Rand: newLockedRand(7), Members: codecTargets}
}

func TestF5PlainWorkedExample(t *testing.T) {
	ap := netip.MustParseAddrPort("10.1.1.100:80")
	if got := F5PlainEncode(ap); got != "1677787402.20480.0000" {
		t.Fatalf("encode 10.1.1.100:80 = %q, want 1677787402.20480.0000", got)
	}
	back, ok := F5PlainDecode("1677787402.20480.0000")
	if !ok || back != ap {
		t.Fatalf("decode = %v %v, want %v", back, ok, ap)
	}
	for _, bad := range []string{"01677787402.20480.0000", "1677787402.20480.0001", "1677787402.20480", "+1.2.0000", "4294967296.1.0000"} {
		if _, ok := F5PlainDecode(bad); ok {
			t.Errorf("decoded non-canonical %q", bad)
		}
	}
}

func TestCodecsRoundTrip(t *testing.T) {
	for _, name := range CodecNames() {
		t.Run(string(name), func(t *testing.T) {
			c, err := NewCodec(name, testEnv(1))
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range codecTargets {
				v, err := c.Encode(want)
				if err != nil {
					t.Fatal(err)
				}
				got, ok := c.Decode(v)
				if !ok || got.Name() != want.Name() {
					t.Fatalf("Decode(Encode(%s)) = %v, %v (value %q)", want.Name(), got, ok, v)
				}
			}
			if _, ok := c.Decode("nonsense"); ok {
				t.Fatal("decoded nonsense")
			}
		})
	}
}

func TestCodecShapes(t *testing.T) {
	enc := func(codec policy.Codec) string {
		c, _ := NewCodec(codec, testEnv(1))
		v, _ := c.Encode(codecTargets[0])
		return v
	}
	if v := enc("f5-plain"); v != "1677787402.20480.0000" {
		t.Errorf("f5-plain = %q", v)
	}
	if v := enc("plain"); v != "dc-east-1" {
		t.Errorf("plain = %q", v)
	}
	if v := enc("envoy"); v != "MTAuMS4xLjEwMDo4MA==" { // base64("10.1.1.100:80")
		t.Errorf("envoy = %q", v)
	}
	if v := enc("f5-encrypted"); !strings.HasPrefix(v, "!") || strings.Contains(v, "dc-east") {
		t.Errorf("f5-encrypted = %q", v)
	}
}

func TestF5EncryptedForeignKeyIsUndecodable(t *testing.T) {
	east, _ := NewCodec("f5-encrypted", testEnv(1))
	west, _ := NewCodec("f5-encrypted", testEnv(2))
	v, err := east.Encode(codecTargets[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := west.Decode(v); ok {
		t.Fatal("another LB's key decoded the cookie")
	}
	if got, ok := east.Decode(v); !ok || got.Name() != "dc-east-1" {
		t.Fatal("own key cannot decode")
	}
}

func TestDeriveKeyPerLB(t *testing.T) {
	a, b := deriveKey(42, "dc-east", 0), deriveKey(42, "dc-west", 0)
	if string(a) == string(b) || string(a) != string(deriveKey(42, "dc-east", 0)) || string(a) == string(deriveKey(42, "dc-east", 1)) {
		t.Fatal("keys must be per LB, reproducible with a seed, and change on rotation")
	}
}

// FuzzDecodeCookie: no codec panics, and random input decodes to a member
// only when it is a valid encoding of that member.
func FuzzDecodeCookie(f *testing.F) {
	for _, name := range CodecNames() {
		c, _ := NewCodec(name, testEnv(1))
		for _, tg := range codecTargets {
			v, _ := c.Encode(tg)
			f.Add(v)
		}
	}
	f.Add("!")
	f.Add("!AAAA")
	f.Add("0.0.0000")
	f.Fuzz(func(t *testing.T, v string) {
		for _, name := range CodecNames() {
			c, err := NewCodec(name, testEnv(1))
			if err != nil {
				t.Fatal(err)
			}
			got, ok := c.Decode(v)
			if !ok {
				continue
			}
			if got == nil {
				t.Fatalf("%s: ok with nil member for %q", name, v)
			}
			if name == "f5-encrypted" || name == "cloudflare" || name == "aws-alb" {
				continue // decoding already proved authenticity (GCM tag)
			}
			want, _ := c.Encode(got)
			if want != v {
				t.Fatalf("%s: %q decoded to %s whose encoding is %q", name, v, got.Name(), want)
			}
		}
	})
}

// TestSealedCodecsLongNames: a member name too long for Decode's pooled
// buffer still round-trips, on the allocating path.
func TestSealedCodecsLongNames(t *testing.T) {
	long := fakeTarget{strings.Repeat("member-", 40), "10.1.1.102:80"}
	env := testEnv(1)
	env.Members = append([]Target{long}, codecTargets...)
	for _, name := range []policy.Codec{policy.CodecF5Encrypted, policy.CodecCloudflare, policy.CodecAWSALB} {
		c, err := NewCodec(name, env)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range env.Members {
			v, err := c.Encode(want)
			if err != nil {
				t.Fatal(err)
			}
			if got, ok := c.Decode(v); !ok || got.Name() != want.Name() {
				t.Errorf("%s: %d-byte name decoded to %v, %v", name, len(want.Name()), got, ok)
			}
		}
	}
}
