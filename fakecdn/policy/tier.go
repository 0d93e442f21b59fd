package policy

// Tier is the policy of one load balancer, the CDN edge or a datacenter's:
// the fields of the topology file's edge:/lb: blocks and of fakecdn's
// configuration, which embed it. PATCH /config changes them (Patch).
type Tier struct {
	Selection Selection `yaml:"selection,omitempty" json:"selection"`
	// SelectionHeader (source-ip): hash this header (e.g. True-Client-IP)
	// instead of the peer address.
	SelectionHeader string `yaml:"selection_header,omitempty" json:"selection_header"`
	// HashCookie (consistent-hash): the cookie hashed; absent: random.
	HashCookie        string      `yaml:"hash_cookie,omitempty" json:"hash_cookie"`
	Persistence       Persistence `yaml:"persistence,omitempty" json:"persistence"`
	Cookie            Cookie      `yaml:"cookie,omitempty" json:"cookie"`
	SourceIPTTL       Duration    `yaml:"source_ip_ttl,omitempty" json:"source_ip_ttl"`
	Undecodable       Undecodable `yaml:"undecodable,omitempty" json:"undecodable"`
	OnMemberDown      MemberDown  `yaml:"on_member_down,omitempty" json:"on_member_down"`
	PassthroughSingle *bool       `yaml:"passthrough_single,omitempty" json:"passthrough_single"`
	DecisionHeaders   *bool       `yaml:"decision_headers,omitempty" json:"decision_headers"`
}

// Cookie is the persistence cookie: name, codec and lifetime (0 = session
// cookie), HAProxy's cookie options nocache, httponly and secure, and the
// vendors' lifetime and attributes. Omitted, the options keep the default
// behaviour: no Cache-Control, HttpOnly, and Secure when the client
// connection is HTTPS.
type Cookie struct {
	Name  string   `yaml:"name,omitempty" json:"name"`
	Codec Codec    `yaml:"codec,omitempty" json:"codec"`
	TTL   Duration `yaml:"ttl,omitempty" json:"ttl"`
	// NoCache adds Cache-Control: private to a cacheable response that
	// inserts the cookie, so a shared cache cannot hand one pin to everybody.
	NoCache bool `yaml:"nocache,omitempty" json:"nocache"`
	// HTTPOnly adds the HttpOnly attribute (nil: true).
	HTTPOnly *bool `yaml:"httponly,omitempty" json:"httponly,omitempty"`
	// Secure adds the Secure attribute always (true) or never (false); nil
	// adds it when the client connection is HTTPS.
	Secure *bool `yaml:"secure,omitempty" json:"secure,omitempty"`
	// MaxIdle and MaxLife end a pin server-side (HAProxy's maxidle and
	// maxlife; log letters E and O): the cookie is then treated as absent.
	MaxIdle Duration `yaml:"max_idle,omitempty" json:"max_idle,omitempty"`
	MaxLife Duration `yaml:"max_life,omitempty" json:"max_life,omitempty"`
	// SameSite: Lax | Strict | None.
	SameSite string `yaml:"samesite,omitempty" json:"samesite,omitempty"`
	// CORS (AWS ALB) also sets <name>CORS with SameSite=None; Secure.
	CORS *bool `yaml:"cors,omitempty" json:"cors,omitempty"`
	// AppCookie (AWS ALB application-based stickiness): the app's cookie the
	// LB cookie (AWSALBAPP-0) follows.
	AppCookie string `yaml:"app_cookie,omitempty" json:"app_cookie,omitempty"`
	// Expiry (Akamai ALB): NONE | NEVER | ON_BROWSER_CLOSE | FIXED_DATE |
	// DURATION | ORIGIN_SESSION; ExpiresAt (RFC 3339) for FIXED_DATE.
	Expiry    string `yaml:"expiry,omitempty" json:"expiry,omitempty"`
	ExpiresAt string `yaml:"expires_at,omitempty" json:"expires_at,omitempty"`
	// Salt (Akamai ALB) keys the cookie's integrity check; empty: automatic.
	Salt string `yaml:"salt,omitempty" json:"salt,omitempty"`
}

// Ptr returns a pointer to v: for the optional switches and for patches.
func Ptr[T any](v T) *T { return &v }

// On reports whether an optional switch is set, with def when unset.
func On(b *bool, def bool) bool {
	if b == nil {
		return def
	}
	return *b
}

// Fill returns t with every unset field taken from def: strings, switches,
// durations, and the cookie's name, codec and httponly.
func (t Tier) Fill(def Tier) Tier {
	fill(&t.Selection, def.Selection)
	fill(&t.SelectionHeader, def.SelectionHeader)
	fill(&t.HashCookie, def.HashCookie)
	fill(&t.Persistence, def.Persistence)
	fill(&t.Undecodable, def.Undecodable)
	fill(&t.OnMemberDown, def.OnMemberDown)
	fill(&t.SourceIPTTL, def.SourceIPTTL)
	fill(&t.Cookie.Name, def.Cookie.Name)
	fill(&t.Cookie.Codec, def.Cookie.Codec)
	fill(&t.PassthroughSingle, def.PassthroughSingle)
	fill(&t.DecisionHeaders, def.DecisionHeaders)
	fill(&t.Cookie.HTTPOnly, def.Cookie.HTTPOnly)
	return t
}

// fill sets *v to def when *v is the zero value.
func fill[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

// Defaults is the tier fakecdn runs when nothing is written: random
// selection, no persistence, cookie cdn_dc (edge) or lbs (dc) with the
// f5-encrypted codec and HttpOnly, reissue, failover, source_ip_ttl 10m,
// passthrough_single at the edge only, decision headers on.
func Defaults(role string) Tier {
	name := "cdn_dc"
	if role == RoleDC {
		name = "lbs"
	}
	return Tier{
		Selection: Random, Persistence: PersistNone, Undecodable: Reissue, OnMemberDown: Failover,
		Cookie:            Cookie{Name: name, Codec: CodecF5Encrypted, HTTPOnly: Ptr(true)},
		SourceIPTTL:       Duration(defaultSourceIPTTL),
		PassthroughSingle: Ptr(role != RoleDC), DecisionHeaders: Ptr(true),
	}
}
