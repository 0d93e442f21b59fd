package policy

// Selection names the policy that picks a member when nothing pins the
// request. The valid ones are those registered (Selections); fakecdn
// registers each from the file that implements it.
type Selection string

// Selection policies the defaults and the lab's model name.
const (
	Random         Selection = "random"
	RoundRobin     Selection = "round-robin"
	SourceIP       Selection = "source-ip"
	ConsistentHash Selection = "consistent-hash"
)

// Persistence is how a tier pins a client to a member.
type Persistence string

// The persistence kinds.
const (
	PersistNone     Persistence = "none"
	PersistCookie   Persistence = "cookie"
	PersistSourceIP Persistence = "source-ip"
)

// Persistences are the valid persistence kinds.
var Persistences = []Persistence{PersistNone, PersistCookie, PersistSourceIP}

// ParsePersistence is s as a persistence kind, or an error naming the
// valid ones.
func ParsePersistence(s string) (Persistence, error) { return OneOf(FieldPersistence, s, Persistences) }

// Codec names a persistence cookie format. The valid ones are those
// registered (Codecs).
type Codec string

// Codecs the defaults and the vendor profiles name.
const (
	CodecF5Encrypted Codec = "f5-encrypted"
	CodecCloudflare  Codec = "cloudflare"
	CodecAWSALB      Codec = "aws-alb"
	CodecAkamaiALB   Codec = "akamai-alb"
	CodecPlain       Codec = "plain"
)

// Undecodable is what a tier does with a cookie it cannot decode.
type Undecodable string

// The undecodable policies.
const (
	Reissue Undecodable = "reissue"
	Reject  Undecodable = "reject"
)

// Undecodables are the valid undecodable policies.
var Undecodables = []Undecodable{Reissue, Reject}

// MemberDown (on_member_down) is what a tier does when the pinned member is
// down.
type MemberDown string

// The on_member_down policies.
const (
	Failover  MemberDown = "failover"
	Temporary MemberDown = "temporary"
	Strict    MemberDown = "strict"
)

// MemberDowns are the valid on_member_down policies.
var MemberDowns = []MemberDown{Failover, Temporary, Strict}

// Roles of a load balancer: the CDN edge or a datacenter LB.
const (
	RoleEdge = "edge"
	RoleDC   = "dc"
)

// Roles are the valid roles.
var Roles = []string{RoleEdge, RoleDC}

// Member admin states (PATCH /members/{name}).
const (
	StateUp       = "up"
	StateDown     = "down"
	StateDraining = "draining"
)

// MemberStates are the valid member admin states.
var MemberStates = []string{StateUp, StateDown, StateDraining}
