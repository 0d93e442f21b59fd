package fakecdn

import "time"

// setState changes the admin state and, entering draining, records when:
// drain_duration (Cloudflare's endpoint drain) counts from then.
func (m *member) setState(state string) {
	if state == StateDraining && m.getState() != StateDraining {
		m.drainingSince.Store(time.Now().UnixNano())
	}
	m.state.Store(state)
}

// drained reports whether m has drained longer than drain_duration: its
// pinned sessions then count as down (on_member_down). Without
// drain_duration a draining member keeps its sessions indefinitely.
func (s *snapshot) drained(m *member) bool {
	if s.cfg.DrainDuration <= 0 || m.getState() != StateDraining {
		return false
	}
	return time.Since(time.Unix(0, m.drainingSince.Load())) > s.cfg.DrainDuration.Std()
}
