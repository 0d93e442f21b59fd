package fakecdn

import (
	"hash/fnv"
	"math"
	"net"
	"net/http"

	"github.com/stickylab/stickylab/fakecdn/policy"
)

func init() {
	registerSelection(policy.SourceIP, selectionSpec{hashes: true, new: func(env selectionEnv) selector {
		return &sourceIPSelection{header: env.cfg.SelectionHeader}
	}})
}

// sourceIPSelection hashes the client address (or the configured header,
// e.g. True-Client-IP, when present) with weighted rendezvous hashing, so a
// client keeps its member while the candidate set stays the same.
type sourceIPSelection struct{ header string }

func (s *sourceIPSelection) Select(c []*member, r *http.Request) *member {
	return rendezvous(clientKey(r, s.header), c)
}

// clientKey is the header's value when header is set and present, else the peer IP.
func clientKey(r *http.Request, header string) string {
	if header != "" {
		if v := r.Header.Get(header); v != "" {
			return v
		}
	}
	return peerIP(r)
}

func peerIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// rendezvous returns the candidate with the highest weighted score for key.
func rendezvous(key string, c []*member) *member {
	var best *member
	bestScore := math.Inf(-1)
	for _, m := range c {
		h := fnv.New64a()
		h.Write([]byte(key))
		h.Write([]byte{0})
		h.Write([]byte(m.name))
		u := (float64(h.Sum64()>>11) + 0.5) / (1 << 53) // (0,1)
		score := -m.getWeight() / math.Log(u)
		if score > bestScore {
			best, bestScore = m, score
		}
	}
	return best
}
