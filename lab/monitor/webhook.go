package monitor

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

const (
	webhookAttempts = 6  // the first try and 5 retries: 1+2+4+8+16 backoffs
	webhookQueue    = 32 // alerts waiting; beyond that new ones are dropped, logged
	webhookTimeout  = 10 * time.Second
)

// notifier POSTs alerts from its own goroutine, so that a slow or failing
// webhook never holds the monitor up: send only queues.
type notifier struct {
	url     string
	client  *http.Client
	backoff time.Duration
	logf    func(format string, args ...any)
	onTry   func(ok bool)
	queue   chan Alert
	done    chan struct{}
}

func newNotifier(url string, backoff time.Duration, logf func(string, ...any), onTry func(bool)) *notifier {
	return &notifier{url: url, client: &http.Client{Timeout: webhookTimeout}, backoff: backoff, logf: logf,
		onTry: onTry, queue: make(chan Alert, webhookQueue), done: make(chan struct{})}
}

// send queues a; it never blocks.
func (n *notifier) send(a Alert) {
	select {
	case n.queue <- a:
	default:
		n.logf("webhook %s: %d alerts already waiting; dropped the %s alert of %s", n.url, webhookQueue, a.Status, a.Time.Format(time.RFC3339))
	}
}

// run delivers queued alerts until close is called and the queue is empty,
// or ctx ends (then what is left is dropped, logged).
func (n *notifier) run(ctx context.Context) {
	defer close(n.done)
	for {
		select {
		case a, ok := <-n.queue:
			if !ok {
				return
			}
			n.deliver(ctx, a)
		case <-ctx.Done():
			if left := len(n.queue); left > 0 {
				n.logf("webhook %s: gave up on %d undelivered alerts: %v", n.url, left, context.Cause(ctx))
			}
			return
		}
	}
}

// close stops taking alerts; run returns once the queue is delivered.
func (n *notifier) close() { close(n.queue) }

func (n *notifier) deliver(ctx context.Context, a Alert) {
	body, err := json.Marshal(a)
	if err != nil {
		n.logf("webhook %s: cannot encode the alert: %v", n.url, err)
		return
	}
	wait := n.backoff
	for attempt := 1; ; attempt++ {
		err := n.post(ctx, body)
		n.onTry(err == nil)
		if err == nil {
			return
		}
		if attempt == webhookAttempts {
			n.logf("webhook %s: %s alert not delivered after %d attempts: %v", n.url, a.Status, attempt, err)
			return
		}
		n.logf("webhook %s: attempt %d failed: %v; retrying in %s", n.url, attempt, err, wait)
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			n.logf("webhook %s: %s alert not delivered: %v", n.url, a.Status, context.Cause(ctx))
			return
		}
		wait *= 2
	}
}

func (n *notifier) post(ctx context.Context, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "stickylab-monitor/1")
	resp, err := n.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("answered %s", resp.Status)
	}
	return nil
}
