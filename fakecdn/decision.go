package fakecdn

import (
	"net/http"
	"time"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

// Reasons named by the decision headers, defined in package policy
// (docs/ARCHITECTURE.md).
const (
	ReasonPersisted   = policy.ReasonPersisted
	ReasonNew         = policy.ReasonNew
	ReasonHash        = policy.ReasonHash
	ReasonUndecodable = policy.ReasonUndecodable
	ReasonFailover    = policy.ReasonFailover
	ReasonTemporary   = policy.ReasonTemporary
	ReasonPassthrough = policy.ReasonPassthrough
	ReasonRejected    = policy.ReasonRejected
	ReasonMemberDown  = policy.ReasonMemberDown
	ReasonNoMember    = policy.ReasonNoMember
)

// Reasons lists every reason, for metrics.
var Reasons = policy.Reasons

// decision is what the LB made of one request. member is nil for a 503.
type decision struct {
	member    *member
	name      string // the member named in the headers (the pinned one for member-down)
	reason    string
	status    byte // request-cookie status letter
	response  byte // response-side cookie letter, set by insertCookie
	setCookie string
	start     time.Time
	in        *http.Request // the inbound request, set when it is proxied
	query     string        // its cleaned query, as forwarded

	headerVals [2]string // the decision header's and Server-Timing's values (writeDecision)
}

// decide runs passthrough, persistence, the down policy and selection, in that order.
func (s *snapshot) decide(r *http.Request, buf []*member) decision {
	usable := s.pool.usable(buf)
	if s.passthrough && len(usable) == 1 {
		return decision{member: usable[0], name: usable[0].name, reason: ReasonPassthrough, status: statusNone}
	}
	pinned, st := s.persist.pinned(r)
	switch {
	case st == statusInvalid && s.cfg.Undecodable == policy.Reject:
		return decision{reason: ReasonRejected, status: st}
	case st == statusInvalid:
		return s.fresh(r, usable, ReasonUndecodable, st, true)
	case st == statusValid && pinned.keepsPinned() && !s.drained(pinned):
		d := decision{member: pinned, name: pinned.name, reason: ReasonPersisted, status: st}
		if rf, ok := s.persist.(refresher); ok {
			d.setCookie = rf.refresh(r, pinned)
		}
		return d
	case st == statusValid:
		return s.pinnedDown(r, pinned, usable)
	}
	return s.fresh(r, usable, "", st, true) // none, or expired/old (E, O): treated as absent
}

// refresher is a persister that re-issues a valid pin (cookie max_idle).
type refresher interface {
	refresh(r *http.Request, m *member) string
}

// pinnedDown applies on_member_down to a request pinned to a member that
// cannot serve it; usable never contains that member.
func (s *snapshot) pinnedDown(r *http.Request, pinned *member, usable []*member) decision {
	switch s.cfg.OnMemberDown {
	case policy.Strict:
		return decision{name: pinned.name, reason: ReasonMemberDown, status: statusDown}
	case policy.Temporary:
		return s.fresh(r, usable, ReasonTemporary, statusDown, false)
	}
	return s.fresh(r, usable, ReasonFailover, statusDown, true)
}

// fresh selects among the usable members; an empty reason becomes "new",
// or "hash" when a hashing selector decided.
func (s *snapshot) fresh(r *http.Request, usable []*member, reason string, st byte, pin bool) decision {
	if len(usable) == 0 {
		return decision{reason: ReasonNoMember, status: st}
	}
	m := s.selector.Select(usable, r)
	switch {
	case m == nil:
		m = s.fallback.Select(usable, r)
	case reason == "" && s.hashing:
		reason = ReasonHash
	}
	if reason == "" {
		reason = ReasonNew
	}
	d := decision{member: m, name: m.name, reason: reason, status: st}
	if pin {
		d.setCookie = s.persist.pin(r, m)
	}
	return d
}
