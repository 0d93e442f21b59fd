package monitor

import (
	"fmt"
	"net/url"
	"time"

	"github.com/stickylab/stickylab/lab/replay"
)

// Option configures a Monitor.
type Option func(*options) error

type options struct {
	interval   time.Duration
	runs       int
	alertAbove float64
	confidence float64
	webhook    string
	backoff    time.Duration
	logf       func(format string, args ...any)
	replay     []replay.Option
	now        func() time.Time
}

func defaults() options {
	return options{interval: 10 * time.Second, runs: 5, alertAbove: 0.05, confidence: 0.95,
		backoff: time.Second, logf: func(string, ...any) {}, now: time.Now}
}

// WithInterval sets how often a batch of runs starts (default 10 s).
func WithInterval(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return fmt.Errorf("interval must be > 0, got %s", d)
		}
		o.interval = d
		return nil
	}
}

// WithRunsPerInterval sets how many runs each batch makes, all at once
// (default 5).
func WithRunsPerInterval(n int) Option {
	return func(o *options) error {
		if n < 1 {
			return fmt.Errorf("runs per interval must be at least 1, got %d", n)
		}
		o.runs = n
		return nil
	}
}

// WithAlertAbove sets the failure rate that is still fine (default 0.05):
// the monitor fires when the rate is significantly above it.
func WithAlertAbove(rate float64) Option {
	return func(o *options) error {
		if !(rate > 0 && rate < 1) {
			return fmt.Errorf("alert-above must be a failure rate in (0, 1), got %g", rate)
		}
		o.alertAbove = rate
		return nil
	}
}

// WithConfidence sets how sure the test must be before it fires or
// recovers (default 0.95): both error rates are 1 - c.
func WithConfidence(c float64) Option {
	return func(o *options) error {
		if !(c > 0.5 && c < 1) {
			return fmt.Errorf("confidence must be in (0.5, 1), got %g", c)
		}
		o.confidence = c
		return nil
	}
}

// WithWebhook POSTs every alert (and recovery) as JSON to rawURL.
func WithWebhook(rawURL string) Option {
	return func(o *options) error {
		u, err := url.Parse(rawURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("webhook %q: want an http:// or https:// URL", rawURL)
		}
		o.webhook = rawURL
		return nil
	}
}

// WithWebhookBackoff sets the first wait before a failed webhook is retried
// (default 1 s); each retry doubles it.
func WithWebhookBackoff(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return fmt.Errorf("webhook backoff must be > 0, got %s", d)
		}
		o.backoff = d
		return nil
	}
}

// WithLogf receives one line per batch, the alert and recovery lines, and
// webhook failures.
func WithLogf(fn func(format string, args ...any)) Option {
	return func(o *options) error {
		if fn == nil {
			return fmt.Errorf("WithLogf: nil function")
		}
		o.logf = fn
		return nil
	}
}

// WithReplayOptions passes options to the replay client (TLS, timeout, user).
func WithReplayOptions(opts ...replay.Option) Option {
	return func(o *options) error { o.replay = append(o.replay, opts...); return nil }
}
