package plan

// UsesHAProxy reports whether any datacenter's LB runs on HAProxy: the
// runtime then needs haproxy (local) or its image (Docker).
func (p *Plan) UsesHAProxy() bool {
	for _, n := range p.Nodes {
		if n.Kind == KindLB && n.LB != nil && n.LB.Tier.HAProxy() {
			return true
		}
	}
	return false
}
