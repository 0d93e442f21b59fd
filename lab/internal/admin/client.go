// Package admin is a small JSON client for the admin APIs of fakecdn (GET
// /state, PATCH /config, PATCH /members/{name}, POST /rotate-key) and fakeapp
// (GET and DELETE /admin/sessions). The lab uses it for faults and readiness.
package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// requestTimeout bounds one admin call when ctx has no earlier deadline: an
// admin API answers from memory, a slow one is a stuck one.
const requestTimeout = 5 * time.Second

// client talks to 127.0.0.1 only, never through $HTTP_PROXY, and keeps no
// connection idle for long: nodes are stopped and restarted under it.
var client = &http.Client{
	Transport: &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
		MaxIdleConnsPerHost: 4,
		IdleConnTimeout:     5 * time.Second,
	},
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// Error is a non-2xx answer: the status and the server's JSON error text.
type Error struct {
	Method, URL string
	Status      int
	Message     string // the server's "error", or its body
	Field       string // the server's "field", when it named one
}

func (e *Error) Error() string {
	msg := e.Message
	if e.Field != "" && !strings.HasPrefix(msg, e.Field) {
		msg = e.Field + ": " + msg
	}
	return fmt.Sprintf("%s %s: %s (status %d)", e.Method, e.URL, msg, e.Status)
}

// do sends body (JSON, when not nil) and decodes a 2xx answer into out (when
// not nil).
func do(ctx context.Context, method, url string, body, out any) error {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("%s %s: encode body: %w", method, url, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, url, err)
	}
	if method != http.MethodGet {
		// The admin APIs take a state change only as JSON, even an empty
		// one (POST /rotate-key), so that no web page can send it.
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err // *url.Error already names the method and URL
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return fmt.Errorf("%s %s: read answer: %w", method, url, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return apiError(method, url, resp.StatusCode, data)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s %s: decode answer: %w", method, url, err)
	}
	return nil
}

func apiError(method, url string, status int, data []byte) *Error {
	e := &Error{Method: method, URL: url, Status: status}
	var body struct {
		Error string `json:"error"`
		Field string `json:"field"`
	}
	if json.Unmarshal(data, &body) == nil && body.Error != "" {
		e.Message, e.Field = body.Error, body.Field
	} else {
		e.Message = strings.TrimSpace(string(data))
		if e.Message == "" {
			e.Message = http.StatusText(status)
		}
	}
	return e
}

// Healthz reports nil when baseURL/healthz answers 2xx.
func Healthz(ctx context.Context, baseURL string) error {
	return do(ctx, http.MethodGet, join(baseURL, "/healthz"), nil, nil)
}

func join(base, path string) string { return strings.TrimRight(base, "/") + path }
