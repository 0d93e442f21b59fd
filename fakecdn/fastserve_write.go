package fakecdn

import (
	"bufio"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Header fields net/http's server leaves out of answers without a body.
var (
	excludedNoBody = map[string]bool{"Content-Length": true, "Transfer-Encoding": true}
	suppressed304  = []string{"Content-Type", "Content-Length", "Transfer-Encoding"}
	suppressedNone = []string{"Content-Length", "Transfer-Encoding"}
)

// headExtra are the fields the server adds to a response head, as
// net/http's server does.
type headExtra struct {
	contentType   string
	contentLength int64 // -1: none
	chunked       bool
	close         bool
}

// writeHead writes the status line, h and the server's own fields.
func writeHead(bw *bufio.Writer, code int, h http.Header, x headExtra) {
	if !bodyAllowedForStatus(code) {
		del := suppressedNone
		if code == http.StatusNotModified {
			del = suppressed304
		}
		for _, k := range del {
			delete(h, k)
		}
	}
	if x.close {
		delete(h, "Connection")
	}
	writeStatusLine(bw, code)
	writeHeaderFields(bw, h, nil)
	if _, ok := h["Date"]; !ok {
		bw.WriteString("Date: ")
		bw.WriteString(httpDate())
		bw.WriteString("\r\n")
	}
	if x.contentLength >= 0 {
		bw.WriteString("Content-Length: ")
		writeInt(bw, x.contentLength, 10)
		bw.WriteString("\r\n")
	}
	if x.contentType != "" {
		bw.WriteString("Content-Type: ")
		bw.WriteString(x.contentType)
		bw.WriteString("\r\n")
	}
	if x.close {
		bw.WriteString("Connection: close\r\n")
	}
	if x.chunked {
		bw.WriteString("Transfer-Encoding: chunked\r\n")
	}
	bw.WriteString("\r\n")
}

// writeStatusLine writes "HTTP/1.1 <code> <text>" as net/http's server does.
func writeStatusLine(bw *bufio.Writer, code int) {
	bw.WriteString("HTTP/1.1 ")
	writeInt(bw, int64(code), 10)
	if text := http.StatusText(code); text != "" {
		bw.WriteByte(' ')
		bw.WriteString(text)
	} else {
		bw.WriteString(" status code ")
		writeInt(bw, int64(code), 10)
	}
	bw.WriteString("\r\n")
}

// writeInt formats n in bw's own buffer: no scratch array escapes.
func writeInt(bw *bufio.Writer, n int64, base int) {
	if bw.Available() < 20 {
		_ = bw.Flush()
	}
	bw.Write(strconv.AppendInt(bw.AvailableBuffer(), n, base))
}

// writeHeaderFields writes h but exclude as Header.WriteSubset does —
// invalid names dropped, line breaks in values turned into spaces, values
// trimmed — in the map's order rather than sorted.
func writeHeaderFields(bw *bufio.Writer, h http.Header, exclude map[string]bool) {
	for k, vv := range h {
		if exclude[k] || !isToken(k) {
			continue
		}
		for _, v := range vv {
			if strings.ContainsAny(v, "\r\n") {
				v = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ").Replace(v)
			}
			bw.WriteString(k)
			bw.WriteString(": ")
			bw.WriteString(trimHeaderValue(v))
			bw.WriteString("\r\n")
		}
	}
}

func trimHeaderValue(v string) string {
	if v != "" && (v[0] == ' ' || v[0] == '\t' || v[len(v)-1] == ' ' || v[len(v)-1] == '\t') {
		return strings.Trim(v, " \t")
	}
	return v
}

func bodyAllowedForStatus(code int) bool {
	return !(code >= 100 && code <= 199 || code == http.StatusNoContent || code == http.StatusNotModified)
}

// dateCache is the Date field of the current second, formatted once.
type dateCache struct {
	sec int64
	val string
}

var currentDate atomic.Pointer[dateCache]

func httpDate() string {
	now := time.Now()
	if d := currentDate.Load(); d != nil && d.sec == now.Unix() {
		return d.val
	}
	d := &dateCache{sec: now.Unix(), val: now.UTC().Format(http.TimeFormat)}
	currentDate.Store(d)
	return d.val
}
