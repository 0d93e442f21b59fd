package lab

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/stickylab/stickylab/lab/internal/admin"
)

func init() {
	register(Fault{
		Name: "latency", Target: TargetLink, Args: []Arg{
			{Name: "latency", Kind: ArgDuration, Required: true, Doc: "delay added to the data, ms or a duration; 0 removes the toxic"},
			{Name: "jitter", Kind: ArgDuration, Default: "0", Doc: "± random variation of the delay, ms or a duration"},
		},
		Does: "Toxiproxy's latency toxic on a WAN link: what the edge receives through it is delayed by latency ± jitter. " +
			"On open connections too, health checks included: beyond their 2s timeout the edge marks the datacenter down. At once.",
		Interrupt: "One API call: either the toxic is set or it is not. `latency DC 0` or `toxic remove DC latency` removes it.",
		apply: func(ctx context.Context, l *Lab, link string, a Args) error {
			return l.linkLatency(ctx, link, a.Duration("latency"), a.Duration("jitter"))
		},
	})
}

// LatencyOption refines SetLatency.
type LatencyOption func(*latencyToxic)

type latencyToxic struct{ jitter time.Duration }

// Jitter varies the latency randomly by up to ±j.
func Jitter(j time.Duration) LatencyOption { return func(t *latencyToxic) { t.jitter = j } }

// SetLatency delays every response the edge receives from a datacenter by d
// (a latency toxic on its WAN link, named "latency"); 0 without jitter
// removes it. It takes effect at once.
func (l *Lab) SetLatency(ctx context.Context, dc string, d time.Duration, opts ...LatencyOption) error {
	var t latencyToxic
	for _, o := range opts {
		o(&t)
	}
	_, err := l.datacenter(dc)
	if err == nil && (d < 0 || t.jitter < 0) {
		err = errors.New("latency and jitter must not be negative")
	}
	if err != nil {
		return fmt.Errorf("set latency of %s to %s: %w", dc, d, err)
	}
	return l.linkLatency(ctx, dc, d, t.jitter)
}

// linkLatency sets (or, both 0, removes) the latency toxic of any link.
func (l *Lab) linkLatency(ctx context.Context, link string, d, jitter time.Duration) error {
	if d == 0 && jitter == 0 {
		err := l.RemoveToxic(ctx, link, "latency")
		var e *admin.Error
		if errors.As(err, &e) && e.Status == http.StatusNotFound {
			return nil // there was none
		}
		return err
	}
	return l.SetToxic(ctx, link, Toxic{Name: "latency", Type: "latency",
		Attributes: map[string]int64{"latency": d.Milliseconds(), "jitter": jitter.Milliseconds()}})
}
