package fakecdn

import "github.com/stickylab/stickylab/fakecdn/policy"

// plainCodec writes the member's name in clear, like HAProxy's
// "cookie insert" with the server's cookie set to its name.
type plainCodec struct{ members []Target }

func init() {
	RegisterCodec(policy.CodecPlain, CodecSpec{New: func(env CodecEnv) (Codec, error) {
		return plainCodec{env.Members}, nil
	}})
}

func (c plainCodec) Encode(t Target) (string, error) { return t.Name(), nil }

func (c plainCodec) Decode(v string) (Target, bool) { return targetByName(c.members, v) }
