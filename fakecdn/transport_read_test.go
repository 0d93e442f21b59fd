package fakecdn

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// takenHeads are responses the fast reader takes on a GET; leftHeads those
// it must leave to http.ReadResponse.
var takenHeads = []string{
	"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5\r\n\r\nhello",
	"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
	"HTTP/1.1 404 Not Found\r\ncontent-length: 3\r\nx-lower: a\r\n\r\nnop",
	"HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nok",
	"HTTP/1.1 500 Internal Server Error\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 1\r\n\r\nx",
	"HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 1\r\n\r\nx",
	"HTTP/1.1 200 OK\r\nConnection: Upgrade\r\nContent-Length: 1\r\n\r\nx",
	"HTTP/1.1 200 OK\r\nX-Spaces:   padded value \t \r\nX-Empty:\r\nContent-Length: 1\r\n\r\nx",
	"HTTP/1.1 200 OK\r\nX-Utf8: caf\xc3\xa9\r\nContent-Length: 1\r\n\r\nx",
	"HTTP/1.1 302 Found\r\nLocation: /echo?from=redirect\r\nContent-Length: 0\r\n\r\n",
}

var leftHeads = []string{
	"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
	"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx",
	"HTTP/1.1 200 OK\r\nContent-Length: +1\r\n\r\nx",
	"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n x-folded\r\n\r\nx",
	"HTTP/1.1 200 OK\r\nBad Key: 1\r\nContent-Length: 1\r\n\r\nx",
	"HTTP/1.1 200 OK\r\nTrailer: X-Sum\r\nContent-Length: 1\r\n\r\nx",
	"HTTP/1.1 200 OK\r\n\r\nuntil close",
	"HTTP/1.1 204 No Content\r\n\r\n",
	"HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n",
	"HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx",
	"HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx",
	"HTTP/1.1 twohundred OK\r\n\r\n",
	"HTTP/1.1  200 OK\r\nContent-Length: 1\r\n\r\nx",
	"HTTP/1.1 200 OK\r\nX-Bad: a\x01b\r\nContent-Length: 1\r\n\r\nx",
	"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n", // head not complete yet
}

// TestReadSimpleResponseAsReadResponse: what the fast reader takes, it reads
// as http.ReadResponse does (status, header, length, close, body); what it
// leaves, it leaves unread.
func TestReadSimpleResponseAsReadResponse(t *testing.T) {
	check := func(method, raw string, wantTaken bool) {
		taken, d := compareSimple(method, raw)
		if d != "" {
			t.Errorf("%s %q: %s", method, raw, d)
		}
		if taken != wantTaken {
			t.Errorf("%s %q: taken %v, want %v", method, raw, taken, wantTaken)
		}
	}
	for _, raw := range takenHeads {
		check("GET", raw, true)
		check("HEAD", raw, false)
	}
	for _, raw := range leftHeads {
		check("GET", raw, false)
	}
}

// FuzzReadSimpleResponse holds the same for any bytes a member may send.
func FuzzReadSimpleResponse(f *testing.F) {
	for _, raw := range append(takenHeads, leftHeads...) {
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if _, d := compareSimple("GET", raw); d != "" {
			t.Errorf("%q: %s", raw, d)
		}
	})
}

// compareSimple reports whether readSimpleResponse took raw and describes
// how it differs from http.ReadResponse ("" when it does not).
func compareSimple(method, raw string) (bool, string) {
	req, _ := http.NewRequest(method, "http://m/", nil)
	br := bufio.NewReaderSize(strings.NewReader(raw), 4<<10)
	_, _ = br.Peek(1)
	buffered := br.Buffered()
	got, ok := readSimpleResponse(br, req)
	if !ok {
		if br.Buffered() != buffered {
			return false, "refused, but consumed input"
		}
		return false, ""
	}
	gotBody, _ := io.ReadAll(io.LimitReader(br, got.ContentLength))
	var gotErr error
	if int64(len(gotBody)) < got.ContentLength {
		gotErr = io.ErrUnexpectedEOF // what h1Body reports
	}
	want, err := http.ReadResponse(bufio.NewReader(strings.NewReader(raw)), req)
	if err != nil {
		return true, "taken, but ReadResponse fails: " + err.Error()
	}
	wantBody, wantErr := io.ReadAll(want.Body)
	g := fmt.Sprintf("%s|%d|%s|%v|%d|%v|%q|%v", got.Status, got.StatusCode, got.Proto, got.Header, got.ContentLength, got.Close, gotBody, gotErr)
	w := fmt.Sprintf("%s|%d|%s|%v|%d|%v|%q|%v", want.Status, want.StatusCode, want.Proto, want.Header, want.ContentLength, want.Close, wantBody, wantErr)
	if g != w || !reflect.DeepEqual(got.Header, want.Header) {
		return true, fmt.Sprintf("read\n%s\nReadResponse reads\n%s", g, w)
	}
	return true, ""
}
