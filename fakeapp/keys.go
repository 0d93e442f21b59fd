package fakeapp

import (
	"crypto/hkdf"
	"crypto/sha256"
	"fmt"
)

// machineKey derives the 32-byte AES key that encrypts anti-forgery tokens.
// The scope decides what goes into the HKDF info string: whatever is left
// out is what servers must share to accept each other's tokens. That is the
// lab's model of ASP.NET's <machineKey>: explicit keys per farm, or
// AutoGenerate per server.
func machineKey(secret string, scope KeyScope, datacenter, instance string) ([]byte, error) {
	var info string
	switch scope {
	case KeyScopeInstance:
		info = "instance\x00" + datacenter + "\x00" + instance
	case KeyScopeDatacenter:
		info = "datacenter\x00" + datacenter
	case KeyScopeShared:
		info = "shared"
	default:
		return nil, fmt.Errorf("fakeapp: key scope %w", scope.check())
	}
	key, err := hkdf.Key(sha256.New, []byte(secret), []byte("stickylab machine key v1"), info, 32)
	if err != nil {
		return nil, fmt.Errorf("fakeapp: derive %s machine key: %w", scope, err)
	}
	return key, nil
}
