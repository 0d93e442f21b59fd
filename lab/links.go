package lab

import (
	"context"
	"fmt"

	"github.com/stickylab/stickylab/lab/internal/admin"
)

// The WAN links: the edge reaches each datacenter's LB through a Toxiproxy
// proxy named after the datacenter (plan/links.go). Partitions disable a
// link; latency and the other toxics degrade one.

// LinkState is one link as Toxiproxy reports it.
type LinkState struct {
	Name     string // the datacenter, for the edge's links
	From, To string // the nodes it joins: edge → dc-east-lb
	Enabled  bool   // false while partitioned
	Toxics   []Toxic
}

// Toxic is one Toxiproxy toxic on a link: Type is Toxiproxy's (latency,
// bandwidth, timeout, reset_peer, slow_close, slicer, limit_data); Name
// defaults to Type; Stream is "downstream" (toward the edge, the default)
// or "upstream"; Toxicity is the share of connections it applies to (0:
// all); Attributes are Toxiproxy's, in its units (milliseconds, KB/s,
// bytes).
type Toxic struct {
	Name, Type, Stream string
	Toxicity           float32
	Attributes         map[string]int64
}

// Links reports every link, in plan order.
func (l *Lab) Links(ctx context.Context) ([]LinkState, error) {
	api, err := l.linksAPI()
	if err != nil {
		return nil, fmt.Errorf("links: %w", err)
	}
	got, err := admin.Links(ctx, api)
	if err != nil {
		return nil, fmt.Errorf("links: %w", err)
	}
	out := make([]LinkState, 0, len(l.plan.Links))
	for _, pl := range l.plan.Links {
		g := got[pl.Name]
		s := LinkState{Name: pl.Name, From: pl.From, To: pl.To, Enabled: g.Enabled}
		for _, t := range g.Toxics {
			s.Toxics = append(s.Toxics, Toxic(t))
		}
		out = append(out, s)
	}
	return out, nil
}

// SetToxic adds t to a link (a datacenter's name for the edge's link to
// it), or replaces the toxic of the same name. It takes effect at once, on
// open connections too.
func (l *Lab) SetToxic(ctx context.Context, link string, t Toxic) error {
	if t.Name == "" {
		t.Name = t.Type
	}
	api, err := l.linkAPI(link)
	if err == nil {
		err = admin.SetToxic(ctx, api, link, admin.Toxic(t))
	}
	if err != nil {
		return fmt.Errorf("toxic %s on link %s: %w", t.Name, link, err)
	}
	return nil
}

// RemoveToxic removes a link's toxic by name.
func (l *Lab) RemoveToxic(ctx context.Context, link, name string) error {
	api, err := l.linkAPI(link)
	if err == nil {
		err = admin.RemoveToxic(ctx, api, link, name)
	}
	if err != nil {
		return fmt.Errorf("remove toxic %s from link %s: %w", name, link, err)
	}
	return nil
}

// setLinkEnabled cuts a link (false) or restores it.
func (l *Lab) setLinkEnabled(ctx context.Context, link string, enabled bool) error {
	api, err := l.linkAPI(link)
	if err != nil {
		return err
	}
	return admin.SetLinkEnabled(ctx, api, link, enabled)
}

// linkAPI checks that link exists and returns the links' API.
func (l *Lab) linkAPI(link string) (string, error) {
	if _, err := l.plan.Link(link); err != nil {
		return "", err
	}
	return l.linksAPI()
}

func (l *Lab) linksAPI() (string, error) {
	dep, err := l.live()
	if err != nil {
		return "", err
	}
	return dep.LinksURL(), nil
}
