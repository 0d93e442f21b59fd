package replay

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"time"
)

const (
	maxRedirects = 10
	maxBody      = 4 << 20 // bytes read from a response
	keptBody     = 4 << 10 // bytes kept for the failed hop
)

func (r *Replayer) newTransport() *http.Transport {
	return &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:     r.opts.tls.Clone(),
		TLSHandshakeTimeout: 10 * time.Second,
		ForceAttemptHTTP2:   true,
		MaxIdleConnsPerHost: 4,
		IdleConnTimeout:     30 * time.Second,
	}
}

// runner is one run's browser: a cookie jar and a client.
type runner struct {
	r      *Replayer
	client *http.Client
	jar    *cookiejar.Jar
	idx    int // the run's index (its location)
}

// run replays flow once with a fresh cookie jar; with shared == nil it also
// uses a fresh transport, reused within the run like a browser.
func (r *Replayer) run(ctx context.Context, flow Flow, idx int, shared *http.Transport) Run {
	tr := shared
	if tr == nil {
		tr = r.newTransport()
		r.opts.bindLocation(tr, r.base.Hostname(), idx)
		defer tr.CloseIdleConnections()
	}
	jar, _ := cookiejar.New(nil) // never fails without options
	rn := runner{r: r, jar: jar, client: &http.Client{Transport: tr, CheckRedirect: noRedirect}, idx: idx}
	run := Run{Index: idx, OK: true, Start: time.Now()}
	var inputs map[string]string
	for _, step := range flow.Steps {
		if err := ctx.Err(); err != nil {
			run.fail(step.Name, Timeout, fmt.Sprintf("step %s: not sent: %v", step.Name, context.Cause(ctx)))
			break
		}
		hops, body, err := rn.step(ctx, step, inputs)
		run.Hops = append(run.Hops, hops...)
		if err != nil {
			class := HTTPError
			if isTimeout(ctx, err) {
				class = Timeout
			}
			run.fail(step.Name, class, fmt.Sprintf("step %s: %v", step.Name, err))
			break
		}
		if done := rn.r.opts.stepDone; done != nil {
			done(idx, step.Name)
		}
		if hold := rn.r.opts.hold; hold != nil {
			hold(ctx, idx, step.Name)
		}
		if why := step.Expect.check(hops, body); why != "" {
			class := classify(step, hops, body)
			if class == "" {
				class = HTTPError
			}
			last := &run.Hops[len(run.Hops)-1]
			last.Body = truncate(body, keptBody)
			run.fail(step.Name, class, fmt.Sprintf("step %s: %s", step.Name, why))
			break
		}
		inputs = formInputs(body)
	}
	run.Duration = time.Since(run.Start)
	run.Derive()
	return run
}

func (run *Run) fail(step, class, err string) {
	run.OK, run.FailedStep, run.Failure, run.Err = false, step, class, err
}

// Derive computes Crossed, Datacenters and Reissued from the hops; the
// client calls it, and so should code that builds runs by hand.
func (run *Run) Derive() {
	run.Datacenters, run.Reissued = run.Datacenters[:0], run.Reissued[:0]
	for _, h := range run.Hops {
		if h.Datacenter != "" && (len(run.Datacenters) == 0 || run.Datacenters[len(run.Datacenters)-1] != h.Datacenter) {
			run.Datacenters = append(run.Datacenters, h.Datacenter)
		}
		for _, c := range h.Reissued {
			if !slices.Contains(run.Reissued, c) {
				run.Reissued = append(run.Reissued, c)
			}
		}
	}
	run.Crossed = len(run.Datacenters) > 1
}

// step sends the step's request and, when it says Follow, its redirects.
func (rn runner) step(ctx context.Context, step Step, inputs map[string]string) ([]Hop, string, error) {
	target := rn.r.base.String() + step.Path
	method := step.method()
	form := rn.form(step, inputs)
	var hops []Hop
	for {
		hop, body, err := rn.do(ctx, step, method, target, form)
		hops = append(hops, hop)
		if err != nil {
			return hops, "", err
		}
		if !step.Follow || hop.Location == "" || hop.Status < 300 || hop.Status > 399 || len(hops) > maxRedirects {
			return hops, body, nil
		}
		next, err := url.Parse(target)
		if err == nil {
			next, err = next.Parse(hop.Location)
		}
		if err != nil {
			return hops, body, fmt.Errorf("redirect to %q: %w", hop.Location, err)
		}
		target, method, form = next.String(), http.MethodGet, nil
	}
}

func (rn runner) form(step Step, inputs map[string]string) url.Values {
	if len(step.Form) == 0 {
		return nil
	}
	vars := strings.NewReplacer("${user}", rn.r.opts.user, "${password}", rn.r.opts.pass)
	form := url.Values{}
	for _, f := range step.Form {
		if f.From != "" {
			if v, ok := inputs[f.From]; ok {
				form.Add(f.Name, v)
			} // absent: send without it, as a browser would; the app says why
			continue
		}
		form.Add(f.Name, vars.Replace(f.Value))
	}
	return form
}

// do sends one request with the jar's cookies and records it as a Hop.
func (rn runner) do(ctx context.Context, step Step, method, target string, form url.Values) (Hop, string, error) {
	hop := Hop{Step: step.Name, Method: method, URL: target, Form: form, Start: time.Now()}
	if rn.r.opts.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, rn.r.opts.timeout)
		defer cancel()
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		hop.Err = err.Error()
		return hop, "", err
	}
	req.Header.Set("User-Agent", "stickylab-replay/1")
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	rn.r.opts.locate(req, rn.idx)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	held := map[string]string{}
	for _, c := range rn.jar.Cookies(req.URL) {
		req.AddCookie(c)
		held[c.Name] = c.Value
	}
	hop.RequestHeader = req.Header.Clone()
	resp, err := rn.client.Do(req)
	hop.Wait = time.Since(hop.Start)
	if err != nil {
		hop.Err, hop.Duration = err.Error(), hop.Wait
		return hop, "", err
	}
	defer resp.Body.Close()
	data, err := readBody(resp)
	hop.Duration = time.Since(hop.Start)
	hop.Status, hop.Proto, hop.ResponseHeader, hop.BodySize = resp.StatusCode, resp.Proto, resp.Header, int64(len(data))
	hop.annotate(resp.Header)
	cookies := resp.Cookies()
	for _, c := range cookies {
		if old, ok := held[c.Name]; ok && old != c.Value && c.Value != "" && c.MaxAge >= 0 && !step.renews(c.Name) {
			hop.Reissued = append(hop.Reissued, c.Name)
		}
	}
	rn.jar.SetCookies(req.URL, cookies)
	if err != nil {
		hop.Err = err.Error()
		return hop, "", fmt.Errorf("read body of %s %s: %w", method, target, err)
	}
	return hop, data, nil
}

// readBody reads up to maxBody bytes of resp's body, into a buffer of its
// Content-Length when it declares one, where io.ReadAll grows its buffer
// step by step (4 % of the bytes BenchmarkReplayLocal allocates).
func readBody(resp *http.Response) (string, error) {
	n := resp.ContentLength
	if resp.Body == http.NoBody {
		return "", nil // HEAD, 204, 304: a length, but no body
	}
	if n < 0 || n > maxBody {
		data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
		return string(data), err
	}
	data := make([]byte, n)
	m, err := io.ReadFull(resp.Body, data)
	return string(data[:m]), err
}

// check says why a step's response is not what the step expects, or "".
func (e Expect) check(hops []Hop, body string) string {
	first, last := hops[0], hops[len(hops)-1]
	if e.Status != 0 && last.Status != e.Status {
		s := fmt.Sprintf("expected status %d, got %d", e.Status, last.Status)
		if last.Location != "" {
			s += " (Location: " + last.Location + ")"
		}
		return s
	}
	if e.Location != "" {
		u, err := url.Parse(first.Location)
		if err != nil || first.Location == "" || u.Path != e.Location {
			return fmt.Sprintf("expected a redirect to %s, got Location %q", e.Location, first.Location)
		}
	}
	if e.BodyContains != "" && !strings.Contains(body, e.BodyContains) {
		return fmt.Sprintf("expected the page to contain %q", e.BodyContains)
	}
	return ""
}

func isTimeout(ctx context.Context, err error) bool {
	if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
