package fakeapp

import (
	"testing"
)

// sealDeterministic seals t with a fixed nonce. The fuzzing engine runs the
// target in several processes, so the seeds and the set of valid tokens
// must be the same in every one of them.
func sealDeterministic(c *tokenCodec, t token, nonceByte byte) string {
	plain := append([]byte{tokenVersion, byte(t.kind)}, t.security[:]...)
	plain = append(plain, t.user...)
	nonce := make([]byte, c.aead.NonceSize())
	for i := range nonce {
		nonce[i] = nonceByte
	}
	return tokenEncoding.EncodeToString(c.aead.Seal(nonce, nonce, plain, tokenAAD))
}

// FuzzDecodeToken: no input makes open panic, and nothing but a token this
// key sealed is ever accepted.
func FuzzDecodeToken(f *testing.F) {
	c := testCodec(f, "fuzz")
	ct := token{kind: cookieToken, security: [securityTokenLen]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}}
	valid := map[string]bool{}
	for i, tok := range []token{ct, ct.formFor(""), ct.formFor("alice")} {
		s := sealDeterministic(c, tok, byte(i))
		if _, err := c.open(s); err != nil {
			f.Fatalf("seed %d does not open: %v", i, err)
		}
		valid[s] = true
		f.Add(s)
		f.Add(s[:len(s)-1])
		f.Add(s + "A")
		f.Add(s[:8] + "\n" + s[8:])
		b := []byte(s)
		b[len(b)/2] ^= 0x20
		f.Add(string(b))
	}
	f.Add("")
	f.Add("!")
	f.Add(sealDeterministic(testCodec(f, "other"), ct, 0))

	f.Fuzz(func(t *testing.T, s string) {
		tok, err := c.open(s)
		if err != nil {
			return
		}
		if !valid[s] {
			t.Fatalf("accepted %q as %+v: only sealed tokens may open", s, tok)
		}
	})
}
