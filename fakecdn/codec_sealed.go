package fakecdn

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// sealedCodec writes the member name sealed with AES-GCM under a key
// private to the load balancer, so that a client can neither read nor forge
// it and another load balancer treats it as foreign. Vendors differ only in
// how the sealed bytes are written:
//   - f5-encrypted: F5 BIG-IP's encrypted cookie persistence, "!" + base64;
//   - cloudflare (__cflb) and aws-alb (AWSALB, AWSALBAPP-*): formats that are
//     not public. AWS says only that the value is encrypted with a rotating
//     key, Cloudflare only that it encodes the endpoint (docs/vendors.md).
type sealedCodec struct {
	name, prefix string
	enc          *base64.Encoding
	aead         cipher.AEAD
	rand         io.Reader
	members      []Target
}

func init() {
	RegisterCodec(policy.CodecF5Encrypted, CodecSpec{Version1: true, New: newSealed(policy.CodecF5Encrypted, "!", base64.StdEncoding)})
	RegisterCodec(policy.CodecCloudflare, CodecSpec{New: newSealed(policy.CodecCloudflare, "", base64.RawURLEncoding)})
	RegisterCodec(policy.CodecAWSALB, CodecSpec{New: newSealed(policy.CodecAWSALB, "", base64.StdEncoding)})
}

func newSealed(name policy.Codec, prefix string, enc *base64.Encoding) func(CodecEnv) (Codec, error) {
	return func(env CodecEnv) (Codec, error) {
		block, err := aes.NewCipher(env.Key)
		if err != nil {
			return nil, fmt.Errorf("%s: key of %d bytes: %w", name, len(env.Key), err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return &sealedCodec{name: string(name), prefix: prefix, enc: enc.Strict(), aead: aead, rand: env.Rand, members: env.Members}, nil
	}
}

func (c *sealedCodec) Encode(t Target) (string, error) {
	ns := c.aead.NonceSize()
	buf := make([]byte, ns, ns+len(t.Name())+c.aead.Overhead())
	if _, err := io.ReadFull(c.rand, buf); err != nil {
		return "", fmt.Errorf("%s: nonce: %w", c.name, err)
	}
	return c.prefix + c.enc.EncodeToString(c.aead.Seal(buf, buf[:ns], []byte(t.Name()), nil)), nil
}

// sealedBuf is Decode's scratch: the decoded bytes, then the base64 text.
// It is pooled because the AEAD is an interface, so a buffer handed to it
// would be allocated on every pinned request.
type sealedBuf [192 + 256]byte

var sealedBufs = sync.Pool{New: func() any { return new(sealedBuf) }}

func (c *sealedCodec) Decode(v string) (Target, bool) {
	v, ok := strings.CutPrefix(v, c.prefix)
	if !ok {
		return nil, false
	}
	buf := sealedBufs.Get().(*sealedBuf)
	defer sealedBufs.Put(buf)
	var b []byte
	var err error
	if dst, src := buf[:192], buf[192:]; len(v) <= len(src) {
		var n int
		n, err = c.enc.Decode(dst, src[:copy(src, v)])
		b = dst[:n]
	} else {
		b, err = c.enc.DecodeString(v)
	}
	ns := c.aead.NonceSize()
	if err != nil || len(b) < ns+c.aead.Overhead() {
		return nil, false
	}
	name, err := c.aead.Open(b[ns:ns], b[:ns], b[ns:], nil)
	if err != nil {
		return nil, false
	}
	for _, t := range c.members {
		if t.Name() == string(name) {
			return t, true
		}
	}
	return nil, false
}
