package fakecdn

import (
	"hash/fnv"
	"net/http"
	"slices"
	"strconv"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

func init() {
	registerSelection(policy.ConsistentHash, selectionSpec{hashes: true, new: func(env selectionEnv) selector {
		return newHashSelection(env.cfg.HashCookie, env.pool.members)
	}})
}

// vnodesPerWeight is how many ring points one unit of weight gets.
const vnodesPerWeight = 160

// hashSelection is a consistent-hash ring over every member, keyed by a
// named cookie. Each member owns many virtual nodes, so adding a member moves
// only its share of keys. Unusable members are skipped clockwise.
type hashSelection struct {
	cookie string
	points []ringPoint
}

type ringPoint struct {
	hash uint64
	m    *member
}

func newHashSelection(cookie string, members []*member) *hashSelection {
	s := &hashSelection{cookie: cookie}
	for _, m := range members {
		n := max(1, int(m.getWeight()*vnodesPerWeight))
		for i := range n {
			s.points = append(s.points, ringPoint{hash64(m.name + "#" + strconv.Itoa(i)), m})
		}
	}
	slices.SortFunc(s.points, func(a, b ringPoint) int {
		switch {
		case a.hash < b.hash:
			return -1
		case a.hash > b.hash:
			return 1
		}
		return 0
	})
	return s
}

func hash64(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return mix64(h.Sum64())
}

// mix64 spreads fnv's output over the ring (splitmix64 finaliser).
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

func (s *hashSelection) Select(c []*member, r *http.Request) *member {
	v, ok := requestCookie(r, s.cookie)
	if !ok || v == "" || len(s.points) == 0 {
		return nil
	}
	h := hash64(v)
	i, _ := slices.BinarySearchFunc(s.points, h, func(p ringPoint, h uint64) int {
		switch {
		case p.hash < h:
			return -1
		case p.hash > h:
			return 1
		}
		return 0
	})
	for n := range len(s.points) {
		p := s.points[(i+n)%len(s.points)]
		if slices.Contains(c, p.m) {
			return p.m
		}
	}
	return nil
}
