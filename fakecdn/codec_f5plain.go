package fakecdn

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// f5PlainCodec is F5 BIG-IP's unencrypted cookie persistence:
// "<IPv4 as little-endian integer>.<port byte-swapped>.0000", e.g.
// 10.1.1.100:80 -> "1677787402.20480.0000".
type f5PlainCodec struct{ members []Target }

func init() {
	RegisterCodec("f5-plain", CodecSpec{Version1: true, New: func(env CodecEnv) (Codec, error) {
		return f5PlainCodec{env.Members}, nil
	}})
}

func (c f5PlainCodec) Encode(t Target) (string, error) {
	ap, err := t.AddrPort()
	if err != nil {
		return "", fmt.Errorf("f5-plain: %w", err)
	}
	return F5PlainEncode(ap), nil
}

func (c f5PlainCodec) Decode(v string) (Target, bool) {
	ap, ok := F5PlainDecode(v)
	if !ok {
		return nil, false
	}
	for _, t := range c.members {
		if got, err := t.AddrPort(); err == nil && got == ap {
			return t, true
		}
	}
	return nil, false
}

// F5PlainEncode writes an IPv4 address and port the way BIG-IP does.
func F5PlainEncode(ap netip.AddrPort) string {
	ip := ap.Addr().As4()
	port := ap.Port()
	return strconv.FormatUint(uint64(binary.LittleEndian.Uint32(ip[:])), 10) + "." +
		strconv.FormatUint(uint64(port>>8|port<<8), 10) + ".0000"
}

// F5PlainDecode reads a canonical BIG-IP value back; anything else is false.
func F5PlainDecode(v string) (netip.AddrPort, bool) {
	parts := strings.Split(v, ".")
	if len(parts) != 3 || parts[2] != "0000" {
		return netip.AddrPort{}, false
	}
	ipn, err1 := strconv.ParseUint(parts[0], 10, 32)
	pn, err2 := strconv.ParseUint(parts[1], 10, 16)
	if err1 != nil || err2 != nil ||
		strconv.FormatUint(ipn, 10) != parts[0] || strconv.FormatUint(pn, 10) != parts[1] {
		return netip.AddrPort{}, false
	}
	var ip [4]byte
	binary.LittleEndian.PutUint32(ip[:], uint32(ipn))
	port := uint16(pn)
	return netip.AddrPortFrom(netip.AddrFrom4(ip), port>>8|port<<8), true
}
