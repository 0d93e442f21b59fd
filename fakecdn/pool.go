package fakecdn

// pool is the fixed list of members in configuration order.
type pool struct {
	members []*member
	byName  map[string]*member
}

func newPool(cfgs []MemberConfig) (*pool, error) {
	p := &pool{byName: make(map[string]*member, len(cfgs))}
	for _, c := range cfgs {
		m, err := newMember(c)
		if err != nil {
			return nil, err
		}
		p.members = append(p.members, m)
		p.byName[m.name] = m
	}
	return p, nil
}

// usable appends the members that may take new users to dst.
func (p *pool) usable(dst []*member) []*member {
	for _, m := range p.members {
		if m.usable() {
			dst = append(dst, m)
		}
	}
	return dst
}

func (p *pool) get(name string) *member { return p.byName[name] }
