package fakeapp

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
)

// tokenKind tells a cookie token from a form token, so that swapping them is
// detected rather than accepted (ASP.NET's IsCookieToken flag).
type tokenKind byte

const (
	cookieToken tokenKind = 1
	formToken   tokenKind = 2
)

const (
	tokenVersion     = 1
	securityTokenLen = 16
	maxUserLen       = 256
	// maxEncodedToken bounds the work done on hostile input before any
	// decryption is tried.
	maxEncodedToken = 1024
)

// tokenAAD binds ciphertexts to this use, so a blob sealed with the same key
// for another purpose never opens as a token.
var tokenAAD = []byte("stickylab/antiforgery/v1")

var tokenEncoding = base64.RawURLEncoding

// errUndecryptable is every reason a token cannot be read; the reasons are
// deliberately not told apart, like ASP.NET's single message.
var errUndecryptable = errors.New("anti-forgery token could not be decrypted")

// token is the clear content of an anti-forgery token. A cookie token holds
// only the security token; a form token holds the same security token plus
// the user it was issued to ("" for anonymous).
type token struct {
	kind     tokenKind
	security [securityTokenLen]byte
	user     string
}

// tokenCodec seals and opens tokens with one machine key.
type tokenCodec struct{ aead cipher.AEAD }

func newTokenCodec(key []byte) (*tokenCodec, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("fakeapp: machine key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("fakeapp: machine key: %w", err)
	}
	return &tokenCodec{aead: aead}, nil
}

// newSecurityToken returns a fresh random security token for a cookie.
func newSecurityToken() token {
	var t token
	t.kind = cookieToken
	rand.Read(t.security[:]) // never fails (crypto/rand panics instead)
	return t
}

// formFor returns the form token paired with cookie token t for user.
func (t token) formFor(user string) token {
	return token{kind: formToken, security: t.security, user: user}
}

// seal encrypts t: base64url(nonce || AES-GCM(version, kind, security, user)).
func (c *tokenCodec) seal(t token) string {
	plain := make([]byte, 0, 2+securityTokenLen+len(t.user))
	plain = append(plain, tokenVersion, byte(t.kind))
	plain = append(plain, t.security[:]...)
	plain = append(plain, t.user...)

	ns := c.aead.NonceSize()
	buf := make([]byte, ns, ns+len(plain)+c.aead.Overhead())
	rand.Read(buf)
	return tokenEncoding.EncodeToString(c.aead.Seal(buf, buf, plain, tokenAAD))
}

// open decrypts and authenticates s. Any change to s — including encodings
// base64 would tolerate, such as inserted newlines — makes it fail.
func (c *tokenCodec) open(s string) (token, error) {
	if len(s) == 0 || len(s) > maxEncodedToken {
		return token{}, errUndecryptable
	}
	raw, err := tokenEncoding.DecodeString(s)
	if err != nil || tokenEncoding.EncodeToString(raw) != s {
		return token{}, errUndecryptable
	}
	ns := c.aead.NonceSize()
	if len(raw) < ns+c.aead.Overhead() {
		return token{}, errUndecryptable
	}
	plain, err := c.aead.Open(nil, raw[:ns], raw[ns:], tokenAAD)
	if err != nil {
		return token{}, errUndecryptable
	}
	return parseToken(plain)
}

func parseToken(plain []byte) (token, error) {
	var t token
	if len(plain) < 2+securityTokenLen || plain[0] != tokenVersion {
		return t, errUndecryptable
	}
	t.kind = tokenKind(plain[1])
	copy(t.security[:], plain[2:])
	user := plain[2+securityTokenLen:]
	switch {
	case t.kind == cookieToken && len(user) == 0:
	case t.kind == formToken && len(user) <= maxUserLen:
		t.user = string(user)
	default:
		return token{}, errUndecryptable
	}
	return t, nil
}
