package fakecdn

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"fmt"
	"io"
)

// f5EncryptedCodec is F5 BIG-IP's encrypted cookie persistence: "!" + base64
// of AES-GCM(member name) under a key private to the load balancer, so
// another load balancer cannot read it and treats it as foreign.
type f5EncryptedCodec struct {
	aead    cipher.AEAD
	rand    io.Reader
	members []Target
}

func init() {
	RegisterCodec("f5-encrypted", CodecSpec{Version1: true, New: newF5Encrypted})
}

func newF5Encrypted(env CodecEnv) (Codec, error) {
	block, err := aes.NewCipher(env.Key)
	if err != nil {
		return nil, fmt.Errorf("f5-encrypted: key of %d bytes: %w", len(env.Key), err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("f5-encrypted: %w", err)
	}
	return &f5EncryptedCodec{aead: aead, rand: env.Rand, members: env.Members}, nil
}

func (c *f5EncryptedCodec) Encode(t Target) (string, error) {
	ns := c.aead.NonceSize()
	buf := make([]byte, ns, ns+len(t.Name())+c.aead.Overhead())
	if _, err := io.ReadFull(c.rand, buf); err != nil {
		return "", fmt.Errorf("f5-encrypted: nonce: %w", err)
	}
	buf = c.aead.Seal(buf, buf[:ns], []byte(t.Name()), nil)
	return "!" + base64.StdEncoding.EncodeToString(buf), nil
}

func (c *f5EncryptedCodec) Decode(v string) (Target, bool) {
	if len(v) < 2 || v[0] != '!' {
		return nil, false
	}
	b, err := base64.StdEncoding.Strict().DecodeString(v[1:])
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
