package fakecdn

import (
	"fmt"
	"net/netip"
)

// plainIPCodec writes the member's address in clear, "10.1.1.100:80": the
// value VMware NSX load balancers put in the cookie in rewrite mode ("the
// entire server's cookie value is replaced with the server IP and port"),
// and the address HAProxy's dynamic cookies hash with dynamic-cookie-key
// (docs/vendors.md). Anyone can read it, and forge it to pick a member. Only
// the canonical form of a member's address decodes.
type plainIPCodec struct{ members []Target }

func init() {
	RegisterCodec("plain-ip", CodecSpec{New: func(env CodecEnv) (Codec, error) {
		return plainIPCodec{env.Members}, nil
	}})
}

func (c plainIPCodec) Encode(t Target) (string, error) {
	ap, err := t.AddrPort()
	if err != nil {
		return "", fmt.Errorf("plain-ip: %w", err)
	}
	return ap.String(), nil
}

func (c plainIPCodec) Decode(v string) (Target, bool) {
	ap, err := netip.ParseAddrPort(v)
	if err != nil || ap.String() != v {
		return nil, false
	}
	for _, t := range c.members {
		if got, err := t.AddrPort(); err == nil && got == ap {
			return t, true
		}
	}
	return nil, false
}
