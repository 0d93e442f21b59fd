package report

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"time"

	"github.com/stickylab/stickylab/lab/replay"
)

// HAR is a HAR 1.2 document (http://www.softwareishard.com/blog/har-12-spec/).
// stickylab's facts ride in "_"-prefixed custom fields, which the format allows.
type HAR struct {
	Log HARLog `json:"log"`
}

// HARLog is the root object.
type HARLog struct {
	Version string     `json:"version"`
	Creator HARCreator `json:"creator"`
	Pages   []HARPage  `json:"pages"`
	Entries []HAREntry `json:"entries"`
	Comment string     `json:"comment,omitempty"`
	// Partial marks the HAR of an interrupted replay: it holds the runs
	// that completed, of PlannedRuns.
	Partial     bool `json:"_partial,omitempty"`
	PlannedRuns int  `json:"_plannedRuns,omitempty"`
}

// HARCreator names the tool.
type HARCreator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// HARPage is one run.
type HARPage struct {
	StartedDateTime string         `json:"startedDateTime"`
	ID              string         `json:"id"`
	Title           string         `json:"title"`
	PageTimings     HARPageTimings `json:"pageTimings"`
	Run             int            `json:"_run"`
	OK              bool           `json:"_ok"`
	Failure         string         `json:"_failure,omitempty"`
	FailedStep      string         `json:"_failedStep,omitempty"`
	Crossed         bool           `json:"_crossed"`
	Reissued        []string       `json:"_reissued,omitempty"`
}

// HARPageTimings: -1 means not applicable (no browser rendering here).
type HARPageTimings struct {
	OnContentLoad float64 `json:"onContentLoad"`
	OnLoad        float64 `json:"onLoad"`
}

// HAREntry is one hop.
type HAREntry struct {
	PageRef         string      `json:"pageref"`
	StartedDateTime string      `json:"startedDateTime"`
	Time            float64     `json:"time"`
	Request         HARRequest  `json:"request"`
	Response        HARResponse `json:"response"`
	Cache           struct{}    `json:"cache"`
	Timings         HARTimings  `json:"timings"`
	Run             int         `json:"_run"`
	Step            string      `json:"_step"`
	Datacenter      string      `json:"_datacenter"`
	Instance        string      `json:"_instance"`
	EdgeReason      string      `json:"_edgeReason"`
	LBReason        string      `json:"_lbReason"`
	Failure         string      `json:"_failure"`
	Reissued        []string    `json:"_reissued,omitempty"`
	Error           string      `json:"_error,omitempty"`
}

// HARRequest is a request as sent, Cookie header included.
type HARRequest struct {
	Method      string       `json:"method"`
	URL         string       `json:"url"`
	HTTPVersion string       `json:"httpVersion"`
	Cookies     []HARCookie  `json:"cookies"`
	Headers     []HARNV      `json:"headers"`
	QueryString []HARNV      `json:"queryString"`
	PostData    *HARPostData `json:"postData,omitempty"`
	HeadersSize int          `json:"headersSize"`
	BodySize    int          `json:"bodySize"`
}

// HARResponse is a response as received, every Set-Cookie included.
type HARResponse struct {
	Status      int         `json:"status"`
	StatusText  string      `json:"statusText"`
	HTTPVersion string      `json:"httpVersion"`
	Cookies     []HARCookie `json:"cookies"`
	Headers     []HARNV     `json:"headers"`
	Content     HARContent  `json:"content"`
	RedirectURL string      `json:"redirectURL"`
	HeadersSize int         `json:"headersSize"`
	BodySize    int64       `json:"bodySize"`
}

// HARCookie is a cookie sent or set.
type HARCookie struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	Path     string `json:"path,omitempty"`
	Domain   string `json:"domain,omitempty"`
	Expires  string `json:"expires,omitempty"`
	HTTPOnly bool   `json:"httpOnly,omitempty"`
	Secure   bool   `json:"secure,omitempty"`
}

// HARNV is a name/value pair (headers, query string, form params).
type HARNV struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// HARPostData is a posted form.
type HARPostData struct {
	MimeType string  `json:"mimeType"`
	Params   []HARNV `json:"params"`
	Text     string  `json:"text"`
}

// HARContent describes the body; Text is kept only for the failed hop.
type HARContent struct {
	Size     int64  `json:"size"`
	MimeType string `json:"mimeType"`
	Text     string `json:"text,omitempty"`
}

// HARTimings in milliseconds; the replay measures time to headers (wait)
// and the body read (receive), and nothing before the request was written.
type HARTimings struct {
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
}

// Version is written as the HAR creator's version.
var Version = "1"

// BuildHAR converts a replay into a HAR document: a page per run, an entry
// per hop. Of an interrupted replay it holds the completed runs.
func BuildHAR(res *replay.Result) HAR {
	h := HAR{Log: HARLog{Version: "1.2", Creator: HARCreator{Name: "stickylab", Version: Version},
		Pages: []HARPage{}, Entries: []HAREntry{}}}
	if res == nil {
		return h
	}
	res = res.Completed()
	h.Log.Comment = fmt.Sprintf("stickylab replay of %s against %s", res.Flow, res.BaseURL)
	if res.Partial() {
		h.Log.Partial, h.Log.PlannedRuns = true, res.Planned
		h.Log.Comment += fmt.Sprintf(" (partial: %s)", partialText(res))
	}
	for _, run := range res.Runs {
		id := fmt.Sprintf("run_%d", run.Index)
		title := fmt.Sprintf("%s run %d: ok", res.Flow, run.Index)
		if !run.OK {
			title = fmt.Sprintf("%s run %d: %s at %s", res.Flow, run.Index, run.Failure, run.FailedStep)
		}
		h.Log.Pages = append(h.Log.Pages, HARPage{StartedDateTime: stamp(run.Start), ID: id, Title: title,
			PageTimings: HARPageTimings{OnContentLoad: -1, OnLoad: ms(run.Duration)},
			Run:         run.Index, OK: run.OK, Failure: run.Failure, FailedStep: run.FailedStep, Crossed: run.Crossed, Reissued: run.Reissued})
		for _, hop := range run.Hops {
			h.Log.Entries = append(h.Log.Entries, entry(id, run.Index, hop))
		}
	}
	return h
}

// WriteHAR writes BuildHAR(res) as indented JSON.
func WriteHAR(w io.Writer, res *replay.Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(BuildHAR(res)); err != nil {
		return fmt.Errorf("write HAR: %w", err)
	}
	return nil
}

func entry(page string, run int, hop replay.Hop) HAREntry {
	receive := max(hop.Duration-hop.Wait, 0)
	e := HAREntry{PageRef: page, StartedDateTime: stamp(hop.Start), Time: ms(hop.Wait) + ms(receive),
		Timings: HARTimings{Send: 0, Wait: ms(hop.Wait), Receive: ms(receive)},
		Run:     run, Step: hop.Step, Datacenter: hop.Datacenter, Instance: hop.Instance,
		EdgeReason: hop.EdgeReason, LBReason: hop.LBReason, Failure: hop.Failure, Reissued: hop.Reissued, Error: hop.Err}
	proto := hop.Proto
	if proto == "" {
		proto = "HTTP/1.1"
	}
	e.Request = HARRequest{Method: hop.Method, URL: hop.URL, HTTPVersion: proto,
		Cookies: requestCookies(hop.RequestHeader), Headers: pairs(hop.RequestHeader), QueryString: query(hop.URL),
		HeadersSize: -1, BodySize: 0}
	if hop.Form != nil {
		text := hop.Form.Encode()
		e.Request.PostData = &HARPostData{MimeType: "application/x-www-form-urlencoded", Params: formPairs(hop.Form), Text: text}
		e.Request.BodySize = len(text)
	}
	mime := hop.ContentType
	if mime == "" {
		mime = "x-unknown"
	}
	e.Response = HARResponse{Status: hop.Status, StatusText: http.StatusText(hop.Status), HTTPVersion: proto,
		Cookies: responseCookies(hop.ResponseHeader), Headers: pairs(hop.ResponseHeader),
		Content:     HARContent{Size: hop.BodySize, MimeType: mime, Text: hop.Body},
		RedirectURL: hop.Location, HeadersSize: -1, BodySize: hop.BodySize}
	return e
}

func stamp(t time.Time) string {
	if t.IsZero() {
		t = time.Unix(0, 0)
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// pairs lists headers in a stable order, one pair per value (each Set-Cookie apart).
func pairs(h http.Header) []HARNV { return sortedPairs(h) }

func query(raw string) []HARNV {
	out := []HARNV{}
	u, err := url.Parse(raw)
	if err != nil {
		return out
	}
	return append(out, formPairs(u.Query())...)
}

func formPairs(v url.Values) []HARNV { return sortedPairs(v) }

// sortedPairs flattens headers or form values by name, one pair per value.
func sortedPairs(m map[string][]string) []HARNV {
	out := []HARNV{}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range m[k] {
			out = append(out, HARNV{Name: k, Value: v})
		}
	}
	return out
}

func requestCookies(h http.Header) []HARCookie {
	out := []HARCookie{}
	for _, c := range (&http.Request{Header: h}).Cookies() {
		out = append(out, HARCookie{Name: c.Name, Value: c.Value})
	}
	return out
}

func responseCookies(h http.Header) []HARCookie {
	out := []HARCookie{}
	for _, c := range (&http.Response{Header: h}).Cookies() {
		hc := HARCookie{Name: c.Name, Value: c.Value, Path: c.Path, Domain: c.Domain, HTTPOnly: c.HttpOnly, Secure: c.Secure}
		if !c.Expires.IsZero() {
			hc.Expires = stamp(c.Expires)
		}
		out = append(out, hc)
	}
	return out
}

// shorten keeps cookie values readable in diagrams: "!q9F2…".
func shorten(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
