package lab

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/stickylab/stickylab/lab/internal/admin"
	"github.com/stickylab/stickylab/lab/internal/plan"
)

// The conditions faults and Up wait for, each read from an admin API or a
// probe, never assumed after a sleep.

// all holds when every cond holds; it reports the first that does not.
func all(conds ...condition) condition {
	return func(ctx context.Context) string {
		for _, c := range conds {
			if notYet := c(ctx); notYet != "" {
				return notYet
			}
		}
		return ""
	}
}

// memberHealth holds when the LB on node reports member healthy (or not).
// who names the LB in the message ("edge", "dc-east LB"); it names the member
// as the caller's subject does ("it").
func memberHealth(dep plan.Deployment, node, who, member, it string, healthy bool) condition {
	return func(ctx context.Context) string {
		st, err := lbState(ctx, dep, node)
		if err != nil {
			return fmt.Sprintf("%s does not answer: %v", who, err)
		}
		m, ok := st.Member(member)
		switch {
		case !ok:
			return fmt.Sprintf("%s has no member %s", who, member)
		case m.Healthy != healthy:
			return fmt.Sprintf("%s still reports %s %s", who, it, healthWord(!healthy))
		}
		return ""
	}
}

// membersHealthy holds when the LB on node reports every member healthy.
func membersHealthy(dep plan.Deployment, node, who string) condition {
	return func(ctx context.Context) string {
		st, err := lbState(ctx, dep, node)
		if err != nil {
			return fmt.Sprintf("%s does not answer: %v", who, err)
		}
		var sick []string
		for _, m := range st.Members {
			if !m.Healthy {
				sick = append(sick, m.Name)
			}
		}
		if len(sick) > 0 {
			return fmt.Sprintf("%s still reports %s unhealthy", who, strings.Join(sick, ", "))
		}
		return ""
	}
}

// adminAnswers holds when every node's admin API answers /healthz.
func adminAnswers(dep plan.Deployment, nodes []plan.Node) condition {
	return func(ctx context.Context) string {
		for _, n := range nodes {
			u, err := dep.AdminURL(n.Name)
			if err == nil {
				err = admin.Healthz(ctx, u)
			}
			if err != nil {
				return fmt.Sprintf("%s does not answer on its admin API: %v", n.Name, err)
			}
		}
		return ""
	}
}

// edgeAccepts holds when the edge's client port completes a TLS handshake
// verified with the lab's CA (or accepts TCP without TLS). It sends no
// request, so no member's request count moves.
func edgeAccepts(edgeURL string, cfg *tls.Config) condition {
	return func(ctx context.Context) string {
		u, err := url.Parse(edgeURL)
		if err != nil || u.Host == "" {
			return fmt.Sprintf("edge URL %q is not known yet", edgeURL)
		}
		var d interface {
			DialContext(ctx context.Context, network, addr string) (net.Conn, error)
		} = &net.Dialer{}
		if cfg != nil {
			d = &tls.Dialer{Config: cfg}
		}
		c, err := d.DialContext(ctx, "tcp", u.Host)
		if err != nil {
			return fmt.Sprintf("edge does not accept clients at %s: %v", edgeURL, err)
		}
		c.Close()
		return ""
	}
}

func lbState(ctx context.Context, dep plan.Deployment, node string) (admin.State, error) {
	u, err := dep.AdminURL(node)
	if err != nil {
		return admin.State{}, err
	}
	return admin.GetState(ctx, u)
}

func healthWord(healthy bool) string {
	if healthy {
		return "healthy"
	}
	return "unhealthy"
}
