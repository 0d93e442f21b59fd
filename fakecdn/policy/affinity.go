// Package policy holds the load-balancer vocabulary that both fakecdn and
// the lab's topology read, with the standard library only, so that one
// mapping is written once (the seed of issue 11's single policy package).
package policy

// SessionAffinity maps Cloudflare's session_affinity onto the generic tier
// fields it decides: persistence, and for ip_cookie also the selection ("" =
// left as it is). ok is false for a value that is not one of Cloudflare's.
func SessionAffinity(name string) (persistence, selection string, ok bool) {
	switch name {
	case "none":
		return "none", "", true
	case "cookie":
		return "cookie", "", true
	case "ip_cookie":
		return "cookie", "source-ip", true
	case "header":
		return "source-ip", "", true
	}
	return "", "", false
}
