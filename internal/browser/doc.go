// Package browser holds the end-to-end test of the login app in a real
// browser (Debian's Chromium, driven by chromedp) through a running lab:
// with persistence at the edge a login works; without it, fresh browsers
// eventually hit the anti-forgery error of the incident. Run it with
// `go test ./internal/browser/`; without Chromium it skips and says how to
// install it (make browser-deps).
package browser
