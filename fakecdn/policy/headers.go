package policy

// Header names: the wire contract every analysis relies on
// (docs/ARCHITECTURE.md, "Headers").
const (
	HeaderServedBy     = "X-Served-By"          // fakeapp: <datacenter>/<instance>
	HeaderFailure      = "X-Stickylab-Failure"  // fakeapp: the failure class of a failed step
	HeaderEdge         = "X-Stickylab-Edge"     // fakecdn role=edge: dc=<member>; reason=<reason>
	HeaderLB           = "X-Stickylab-LB"       // fakecdn role=dc: lb=<lb>; member=<member>; reason=<reason>
	HeaderServerTiming = "Server-Timing"        // each hop appends one entry
	HeaderTrueClientIP = "True-Client-IP"       // the client's address, set by the edge
	HeaderResolver     = "X-Stickylab-Resolver" // replay: the client's DNS resolver (steering: dns)
	// HeaderStore is "replica" on every answer of an app that reads its
	// sessions from a replica and writes them to the primary
	// (redis.layout replicated); absent otherwise.
	HeaderStore = "X-Stickylab-Store"
)

// Failure classes: the values of X-Stickylab-Failure.
const (
	FailureMissingCookie  = "antiforgery-missing-cookie"
	FailureMissingField   = "antiforgery-missing-field"
	FailureUndecryptable  = "antiforgery-undecryptable"
	FailureMismatch       = "antiforgery-mismatch"
	FailureSessionMissing = "session-missing"
	FailureBadCredentials = "bad-credentials"
	// FailureStoreUnavailable (500): the Redis store could not be asked.
	FailureStoreUnavailable = "session-store-unavailable"
)

// Reasons: the reason= of X-Stickylab-Edge and X-Stickylab-LB.
const (
	ReasonPersisted   = "persisted"   // a valid persistence cookie or table entry
	ReasonNew         = "new"         // nothing pinned the request; selected
	ReasonHash        = "hash"        // a hashing selection (consistent-hash, source-ip)
	ReasonUndecodable = "undecodable" // a cookie that could not be decoded; re-issued
	ReasonFailover    = "failover"    // pinned member down, re-pinned elsewhere
	ReasonTemporary   = "temporary"   // pinned member down, served elsewhere, pin kept
	ReasonPassthrough = "passthrough" // one healthy member, no balancing, no cookie
	ReasonRejected    = "rejected"    // 503 by undecodable: reject
	ReasonMemberDown  = "member-down" // 503 by on_member_down: strict
	ReasonNoMember    = "no-member"   // 503, nothing healthy
)

// Reasons lists every reason, for metrics.
var Reasons = []string{ReasonPersisted, ReasonNew, ReasonHash, ReasonUndecodable, ReasonFailover,
	ReasonTemporary, ReasonPassthrough, ReasonRejected, ReasonMemberDown, ReasonNoMember}
