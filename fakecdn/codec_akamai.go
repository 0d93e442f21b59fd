package fakecdn

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// akamaiCodec is the Application Load Balancer Cloudlet's origin
// stickiness cookie. Akamai documents that a salt "is encoded into the
// cookie's value to prevent manipulation by the user" but not the format,
// so the value here is opaque: base64url(origin) "." first 16 hex digits of
// HMAC-SHA256(salt, origin). A value whose check fails is tampered and is
// treated as absent (undecodable -> re-balanced). The same salt on two LBs
// makes their cookies valid on both, as Akamai describes for shared salts.
type akamaiCodec struct {
	salt    []byte
	members []Target
}

func init() {
	RegisterCodec(policy.CodecAkamaiALB, CodecSpec{New: func(env CodecEnv) (Codec, error) {
		salt := []byte(env.Salt)
		if len(salt) == 0 { // "automatic salt": private to this LB
			salt = env.Key
		}
		return &akamaiCodec{salt: salt, members: env.Members}, nil
	}})
}

func (c *akamaiCodec) mac(origin string) string {
	h := hmac.New(sha256.New, c.salt)
	h.Write([]byte(origin))
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func (c *akamaiCodec) Encode(t Target) (string, error) {
	return base64.RawURLEncoding.EncodeToString([]byte(t.Name())) + "." + c.mac(t.Name()), nil
}

func (c *akamaiCodec) Decode(v string) (Target, bool) {
	enc, sum, ok := strings.Cut(v, ".")
	if !ok {
		return nil, false
	}
	name, err := base64.RawURLEncoding.Strict().DecodeString(enc)
	if err != nil || !hmac.Equal([]byte(sum), []byte(c.mac(string(name)))) {
		return nil, false
	}
	return targetByName(c.members, string(name))
}
