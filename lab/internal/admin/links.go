package admin

import (
	"context"
	"errors"
	"net/http"
	"net/url"
)

// The lab's WAN links are Toxiproxy proxies; these calls speak Toxiproxy's
// REST API (served by internal/toxiserver) with JSON bodies, as every
// local control surface requires.

// Link is one Toxiproxy proxy, as its API reports it.
type Link struct {
	Name     string  `json:"name"`
	Listen   string  `json:"listen"`
	Upstream string  `json:"upstream"`
	Enabled  bool    `json:"enabled"`
	Toxics   []Toxic `json:"toxics,omitempty"`
}

// Toxic is one toxic on a link. Stream is "downstream" (toward the client,
// Toxiproxy's default) or "upstream"; Toxicity is the share of connections
// it applies to (0, left out: all of them, as Toxiproxy defaults).
type Toxic struct {
	Name       string           `json:"name"`
	Type       string           `json:"type"`
	Stream     string           `json:"stream,omitempty"`
	Toxicity   float32          `json:"toxicity,omitempty"`
	Attributes map[string]int64 `json:"attributes"`
}

// CreateLink creates an enabled link listening on listen (port 0: any) and
// forwarding to upstream; it answers the link with the address it listens on.
func CreateLink(ctx context.Context, api, name, listen, upstream string) (Link, error) {
	var out Link
	err := do(ctx, http.MethodPost, join(api, "/proxies"), Link{Name: name, Listen: listen, Upstream: upstream, Enabled: true}, &out)
	return out, err
}

// Links lists every link by name, with its toxics.
func Links(ctx context.Context, api string) (map[string]Link, error) {
	out := map[string]Link{}
	err := do(ctx, http.MethodGet, join(api, "/proxies"), nil, &out)
	return out, err
}

// SetLinkEnabled disables a link (its listener and every connection through
// it are closed: callers see connection refused) or enables it again on the
// same address.
func SetLinkEnabled(ctx context.Context, api, name string, enabled bool) error {
	return do(ctx, http.MethodPost, linkPath(api, name), map[string]bool{"enabled": enabled}, nil)
}

// SetToxic adds t to a link, or replaces the toxic of that name when the
// link has one already. It replaces (remove, add) rather than calling
// Toxiproxy's update, which in v2.5.0 decodes the new attributes into the
// toxic while its connections read them (a data race).
func SetToxic(ctx context.Context, api, link string, t Toxic) error {
	err := do(ctx, http.MethodPost, linkPath(api, link)+"/toxics", t, nil)
	var e *Error
	if errors.As(err, &e) && e.Status == http.StatusConflict {
		if err := RemoveToxic(ctx, api, link, t.Name); err != nil {
			return err
		}
		return do(ctx, http.MethodPost, linkPath(api, link)+"/toxics", t, nil)
	}
	return err
}

// RemoveToxic removes a link's toxic by name.
func RemoveToxic(ctx context.Context, api, link, name string) error {
	return do(ctx, http.MethodDelete, linkPath(api, link)+"/toxics/"+url.PathEscape(name), nil, nil)
}

// ResetLinks enables every link and removes every toxic.
func ResetLinks(ctx context.Context, api string) error {
	return do(ctx, http.MethodPost, join(api, "/reset"), nil, nil)
}

func linkPath(api, name string) string { return join(api, "/proxies/"+url.PathEscape(name)) }
