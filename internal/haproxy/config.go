// Package haproxy runs Debian's HAProxy 2.6 as a datacenter load balancer of
// the lab: it renders haproxy.cfg from a fakecdn configuration (the tier
// policy the lab plans for every LB), runs haproxy as a child process, and
// serves fakecdn's admin API in front of HAProxy's runtime API, so that the
// lab drives an HAProxy tier exactly as it drives fakecdn.
package haproxy

import (
	"bytes"
	"fmt"
	"math"
	"net/url"
	"strings"
	"time"

	"github.com/stickylab/stickylab/fakecdn"
	"github.com/stickylab/stickylab/fakecdn/policy"
)

// Package is the Debian package that installs the haproxy binary.
const Package = "haproxy"

// WeightScale turns fakecdn's fractional weights into HAProxy's integer
// weights (1 to 256): weight 1 is 10, so a tenth is the finest step.
const WeightScale = 10

// Options are what the runtime decides rather than the policy.
type Options struct {
	// Bind is the frontend's bind address: ":8080" in a container,
	// "fd@3" for a listener the parent opened.
	Bind string
	// Socket is the stats socket's path: the runtime API.
	Socket string
	// DNS resolves server names at run time through /etc/resolv.conf (a
	// container network's resolver): members start, stop and may come back
	// at another address, and a name not resolvable yet must not stop
	// haproxy from starting.
	DNS bool
}

// Render writes haproxy.cfg for a datacenter LB configuration (defaults
// applied). A policy HAProxy cannot express is an error naming the field;
// the topology rejects it earlier, with its path (lab/topology/engine.go).
func Render(c fakecdn.Config, o Options) ([]byte, error) {
	if c.OnMemberDown != policy.Failover {
		return nil, fmt.Errorf("on_member_down %q: haproxy only re-pins (option redispatch: failover)", c.OnMemberDown)
	}
	if c.Undecodable != policy.Reissue {
		return nil, fmt.Errorf("undecodable %q: haproxy only reissues", c.Undecodable)
	}
	var w cfgWriter
	w.head(c, o)
	if err := w.backend(c, o); err != nil {
		return nil, err
	}
	return w.Bytes(), nil
}

// cfgWriter writes haproxy.cfg a line at a time.
type cfgWriter struct{ bytes.Buffer }

func (w *cfgWriter) p(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }

// head writes the global and defaults sections, the resolvers and the
// frontend.
func (w *cfgWriter) head(c fakecdn.Config, o Options) {
	w.p("# haproxy.cfg for datacenter %s, rendered by stickylab from its tier policy.", c.Name)
	w.p("global")
	w.p("    maxconn 4096")
	w.p("    stats socket %s mode 600 level admin", o.Socket)
	w.p("")
	w.p("defaults")
	w.p("    mode http")
	w.p("    timeout connect %s", ms(c.Health.Timeout.Std()))
	// Longer than the edge keeps an idle connection (30s): haproxy must not
	// close one the edge is about to reuse.
	w.p("    timeout client 1m")
	w.p("    timeout http-keep-alive 1m")
	w.p("    timeout server 1m")
	w.p("    timeout check %s", ms(c.Health.Timeout.Std()))
	w.p("    option redispatch")
	w.p("    retries 2")
	if o.DNS {
		w.p("")
		w.p("resolvers dns")
		w.p("    parse-resolv-conf")
		w.p("    hold valid 1s")
	}
	w.p("")
	w.p("frontend %s", c.Name)
	w.p("    bind %s", o.Bind)
	w.p("    default_backend %s", c.Name)
	w.p("")
}

// backend writes the backend: balance, cookie, health checks, servers.
func (w *cfgWriter) backend(c fakecdn.Config, o Options) error {
	balance, err := balance(c)
	if err != nil {
		return err
	}
	cookie, err := cookieLine(c)
	if err != nil {
		return err
	}
	w.p("backend %s", c.Name)
	w.p("    balance %s", balance)
	if c.Selection == policy.ConsistentHash {
		w.p("    hash-type consistent")
	}
	if cookie != "" {
		w.p("    %s", cookie)
	}
	w.p("    option httpchk GET %s", c.Health.Path)
	server := fmt.Sprintf("    default-server check inter %s fall %d rise %d", ms(c.Health.Interval.Std()), c.Health.Fall, c.Health.Rise)
	if o.DNS {
		server += " resolvers dns resolve-prefer ipv4 init-addr last,libc,none"
	}
	w.p("%s", server)
	for _, m := range c.Members {
		line, err := serverLine(m, cookie != "")
		if err != nil {
			return err
		}
		w.p("    %s", line)
	}
	return nil
}

// balance maps fakecdn's selection to HAProxy's balance algorithm.
func balance(c fakecdn.Config) (string, error) {
	switch c.Selection {
	case policy.Random:
		return string(policy.Random), nil // HAProxy's algorithm has the policy's name
	case policy.RoundRobin:
		return "roundrobin", nil
	case fakecdn.LeastOutstanding:
		return "leastconn", nil
	case policy.SourceIP:
		if c.SelectionHeader != "" {
			return fmt.Sprintf("hdr(%s)", c.SelectionHeader), nil
		}
		return "source", nil
	case policy.ConsistentHash:
		return fmt.Sprintf("hash req.cook(%s)", c.HashCookie), nil
	}
	return "", fmt.Errorf("selection %q: no haproxy balance algorithm", c.Selection)
}

// cookieLine is the backend's cookie directive, "" without cookie
// persistence.
func cookieLine(c fakecdn.Config) (string, error) {
	switch c.Persistence {
	case policy.PersistNone:
		return "", nil
	case policy.PersistCookie:
	default:
		return "", fmt.Errorf("persistence %q: not built for haproxy; use cookie or none", c.Persistence)
	}
	k := c.Cookie
	if k.Codec != policy.CodecPlain {
		return "", fmt.Errorf("cookie.codec %q: haproxy's cookie is the server's name in clear (plain)", k.Codec)
	}
	words := []string{"cookie", k.Name, "insert", "indirect"}
	if k.NoCache {
		words = append(words, "nocache")
	}
	if k.HTTPOnly == nil || *k.HTTPOnly {
		words = append(words, "httponly")
	}
	if k.Secure != nil && *k.Secure {
		words = append(words, "secure")
	}
	if d := k.MaxIdle.Std(); d > 0 {
		words = append(words, "maxidle", seconds(d))
	}
	if d := k.MaxLife.Std(); d > 0 {
		words = append(words, "maxlife", seconds(d))
	}
	if d := k.TTL.Std(); d > 0 {
		words = append(words, "attr", fmt.Sprintf("%q", "Max-Age="+strings.TrimSuffix(seconds(d), "s")))
	}
	if k.SameSite != "" {
		words = append(words, "attr", fmt.Sprintf("%q", "SameSite="+k.SameSite))
	}
	return strings.Join(words, " "), nil
}

// serverLine is one member: its name, address, weight and cookie value
// (its name, as fakecdn's plain codec writes it).
func serverLine(m fakecdn.MemberConfig, cookie bool) (string, error) {
	u, err := url.Parse(m.URL)
	if err != nil || u.Host == "" || u.Port() == "" {
		return "", fmt.Errorf("member %s: url %q is not http://HOST:PORT", m.Name, m.URL)
	}
	w, err := Weight(m.Weight)
	if err != nil {
		return "", fmt.Errorf("member %s: %w", m.Name, err)
	}
	line := fmt.Sprintf("server %s %s weight %d", m.Name, u.Host, w)
	if cookie {
		line += " cookie " + m.Name
	}
	return line, nil
}

// Weight is HAProxy's weight for a fakecdn weight.
func Weight(w float64) (int, error) {
	hw := int(math.Round(w * WeightScale))
	if hw < 1 || hw > 256 {
		return 0, fmt.Errorf("weight %g: haproxy takes %g to %g in steps of %g", w, 1.0/WeightScale, 256.0/WeightScale, 1.0/WeightScale)
	}
	return hw, nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%dms", d.Milliseconds()) }

func seconds(d time.Duration) string { return fmt.Sprintf("%ds", int(math.Ceil(d.Seconds()))) }
