package fakecdn

import "encoding/base64"

// envoyCodec is Envoy's cookie-based stateful session: base64 of the
// upstream's ip:port (host:port as in the URL when the host does not resolve).
type envoyCodec struct{ members []Target }

func init() {
	RegisterCodec("envoy", CodecSpec{New: func(env CodecEnv) (Codec, error) {
		return envoyCodec{env.Members}, nil
	}})
}

func (c envoyCodec) Encode(t Target) (string, error) {
	addr := t.HostPort()
	if ap, err := t.AddrPort(); err == nil {
		addr = ap.String()
	}
	return base64.StdEncoding.EncodeToString([]byte(addr)), nil
}

func (c envoyCodec) Decode(v string) (Target, bool) {
	b, err := base64.StdEncoding.Strict().DecodeString(v)
	if err != nil || len(b) == 0 || base64.StdEncoding.EncodeToString(b) != v {
		return nil, false
	}
	return targetByAddr(c.members, string(b))
}
