package policy

// SessionAffinity maps Cloudflare's session_affinity onto the generic tier
// fields it decides: persistence, and for ip_cookie also the selection ("" =
// left as it is). ok is false for a value that is not one of Cloudflare's.
func SessionAffinity(name string) (persistence Persistence, selection Selection, ok bool) {
	switch name {
	case "none":
		return PersistNone, "", true
	case "cookie":
		return PersistCookie, "", true
	case "ip_cookie":
		return PersistCookie, SourceIP, true
	case "header":
		return PersistSourceIP, "", true
	}
	return "", "", false
}
