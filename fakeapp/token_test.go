package fakeapp

import (
	"strings"
	"testing"
)

func testCodec(t testing.TB, secret string) *tokenCodec {
	t.Helper()
	key, err := machineKey(secret, KeyScopeShared, "", "")
	if err != nil {
		t.Fatal(err)
	}
	c, err := newTokenCodec(key)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTokenRoundTrip(t *testing.T) {
	c := testCodec(t, "s")
	ct := newSecurityToken()
	for _, want := range []token{ct, ct.formFor(""), ct.formFor("alice")} {
		got, err := c.open(c.seal(want))
		if err != nil {
			t.Fatalf("open(seal(%+v)): %v", want, err)
		}
		if got != want {
			t.Fatalf("round trip = %+v, want %+v", got, want)
		}
	}
}

func TestSealIsRandomised(t *testing.T) {
	c := testCodec(t, "s")
	tok := newSecurityToken()
	if c.seal(tok) == c.seal(tok) {
		t.Fatal("two seals of one token are equal: nonce reused")
	}
	if newSecurityToken().security == tok.security {
		t.Fatal("two security tokens are equal")
	}
}

func TestTamperedTokensAreRejected(t *testing.T) {
	c := testCodec(t, "s")
	good := c.seal(newSecurityToken().formFor("alice"))
	bad := []string{
		"", "x", good[:len(good)-1], good + "A", good + "\n", "\n" + good,
		good[:10] + "\r\n" + good[10:], strings.Repeat("A", 5000),
		testCodec(t, "other").seal(newSecurityToken()),
	}
	for i := range good {
		b := []byte(good)
		b[i] ^= 0x01
		bad = append(bad, string(b))
	}
	for _, s := range bad {
		if _, err := c.open(s); err == nil {
			t.Errorf("accepted tampered token %q", s)
		}
	}
}

func TestMalformedPlaintextIsRejected(t *testing.T) {
	c := testCodec(t, "s")
	seal := func(plain []byte) string {
		ns := c.aead.NonceSize()
		nonce := make([]byte, ns)
		return tokenEncoding.EncodeToString(c.aead.Seal(nonce, nonce, plain, tokenAAD))
	}
	sec := make([]byte, securityTokenLen)
	cases := map[string][]byte{
		"empty":              {},
		"short":              {tokenVersion, byte(cookieToken)},
		"wrong version":      append([]byte{9, byte(cookieToken)}, sec...),
		"unknown kind":       append([]byte{tokenVersion, 7}, sec...),
		"cookie with user":   append(append([]byte{tokenVersion, byte(cookieToken)}, sec...), 'x'),
		"form user too long": append(append([]byte{tokenVersion, byte(formToken)}, sec...), strings.Repeat("u", maxUserLen+1)...),
	}
	for name, plain := range cases {
		if _, err := c.open(seal(plain)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
