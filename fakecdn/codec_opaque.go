package fakecdn

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"fmt"
	"io"
)

// opaqueCodec stands for the vendors whose cookie value format is not
// public: Cloudflare's __cflb and AWS ALB's AWSALB/AWSALBAPP-*. AWS says
// only that the value is encrypted with a rotating key; Cloudflare says
// only that it encodes the endpoint. Both are modelled as AES-GCM of the
// member name under the LB's private key, so a client can neither read nor
// forge one and another LB treats it as foreign (docs/vendors.md).
type opaqueCodec struct {
	name    string
	enc     *base64.Encoding
	aead    cipher.AEAD
	rand    io.Reader
	members []Target
}

func init() {
	RegisterCodec("cloudflare", CodecSpec{New: newOpaque("cloudflare", base64.RawURLEncoding)})
	RegisterCodec("aws-alb", CodecSpec{New: newOpaque("aws-alb", base64.StdEncoding)})
}

func newOpaque(name string, enc *base64.Encoding) func(CodecEnv) (Codec, error) {
	return func(env CodecEnv) (Codec, error) {
		block, err := aes.NewCipher(env.Key)
		if err != nil {
			return nil, fmt.Errorf("%s: key of %d bytes: %w", name, len(env.Key), err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return &opaqueCodec{name: name, enc: enc.Strict(), aead: aead, rand: env.Rand, members: env.Members}, nil
	}
}

func (c *opaqueCodec) Encode(t Target) (string, error) {
	ns := c.aead.NonceSize()
	buf := make([]byte, ns, ns+len(t.Name())+c.aead.Overhead())
	if _, err := io.ReadFull(c.rand, buf); err != nil {
		return "", fmt.Errorf("%s: nonce: %w", c.name, err)
	}
	return c.enc.EncodeToString(c.aead.Seal(buf, buf[:ns], []byte(t.Name()), nil)), nil
}

func (c *opaqueCodec) Decode(v string) (Target, bool) {
	b, err := c.enc.DecodeString(v)
	ns := c.aead.NonceSize()
	if err != nil || len(b) < ns+c.aead.Overhead() {
		return nil, false
	}
	name, err := c.aead.Open(nil, b[:ns], b[ns:], nil)
	if err != nil {
		return nil, false
	}
	return targetByName(c.members, string(name))
}
