package fakecdn

import (
	"io"
	"net/netip"
	"slices"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// Target is what a codec may know about a member.
type Target interface {
	Name() string
	// HostPort is host:port as written in the member's URL (default port filled in).
	HostPort() string
	// AddrPort is the member's IPv4 address and port, resolving a host name.
	AddrPort() (netip.AddrPort, error)
}

// CodecEnv is what a codec is built from, once per policy snapshot.
type CodecEnv struct {
	Pool    string    // the load balancer's name
	Key     []byte    // 32 bytes, private to this load balancer (f5-encrypted)
	Rand    io.Reader // nonces; seeded when the LB is
	Members []Target
	// Salt keys an integrity check (akamai-alb); empty: derived from Key.
	Salt string
}

// Encoder writes the persistence cookie value naming t.
type Encoder interface {
	Encode(t Target) (string, error)
}

// Decoder reads a cookie value back to a member. It reports false for
// anything that is not a valid encoding of one of the members.
type Decoder interface {
	Decode(value string) (Target, bool)
}

// Codec is a persistence cookie format.
type Codec interface {
	Encoder
	Decoder
}

// CodecSpec registers a codec: its constructor and its cookie attributes.
type CodecSpec struct {
	New func(env CodecEnv) (Codec, error)
	// Version1 adds "Version=1" to the cookie, as F5 BIG-IP does.
	Version1 bool
}

var codecs = newRegistry[policy.Codec, CodecSpec](policy.RegisterCodec)

// RegisterCodec adds a codec under name, here and in package policy (so a
// configuration or a topology may name it); each codec file calls it from
// init. It panics on a name registered twice.
func RegisterCodec(name policy.Codec, spec CodecSpec) { codecs.add(name, spec) }

// CodecNames lists the registered codecs, sorted.
func CodecNames() []policy.Codec { return policy.Codecs() }

func codecSpec(name policy.Codec) (CodecSpec, error) { return codecs.get(name) }

// NewCodec builds the registered codec name.
func NewCodec(name policy.Codec, env CodecEnv) (Codec, error) {
	s, err := codecSpec(name)
	if err != nil {
		return nil, err
	}
	return s.New(env)
}

func targetByName(ts []Target, name string) (Target, bool) {
	i := slices.IndexFunc(ts, func(t Target) bool { return t.Name() == name })
	if i < 0 {
		return nil, false
	}
	return ts[i], true
}

// targetByAddr finds the member written as addr in its URL or resolving to it.
func targetByAddr(ts []Target, addr string) (Target, bool) {
	for _, t := range ts {
		if t.HostPort() == addr {
			return t, true
		}
		if ap, err := t.AddrPort(); err == nil && ap.String() == addr {
			return t, true
		}
	}
	return nil, false
}
