package fakeapp

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/hex"
	"strings"
)

// sessionIDEncoding yields ASP.NET-looking session ids: 24 characters of
// lower-case letters and digits.
var sessionIDEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz012345").WithPadding(base32.NoPadding)

func newSessionID() string {
	var b [15]byte
	rand.Read(b[:])
	return sessionIDEncoding.EncodeToString(b[:])
}

// newUUID returns a random (version 4) UUID, the shape of authenKey.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	var s strings.Builder
	s.Grow(36)
	s.WriteString(h[0:8])
	s.WriteByte('-')
	s.WriteString(h[8:12])
	s.WriteByte('-')
	s.WriteString(h[12:16])
	s.WriteByte('-')
	s.WriteString(h[16:20])
	s.WriteByte('-')
	s.WriteString(h[20:32])
	return s.String()
}
