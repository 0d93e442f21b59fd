package fakecdn

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"time"
)

// handshake completes a TLS client's handshake before its first request,
// as net/http's server does: within the TLS timeout, answering a client
// that speaks plain HTTP to the TLS port with net/http's own 400, and
// handing a connection that negotiated another protocol than HTTP/1.1
// (h2, when the listener offers it) to net/http's server whole. It
// reports whether the connection was handed over and whether FastServer
// goes on serving it.
func (c *fastConn) handshake(tc *tls.Conn) (handed, serve bool) {
	ctx := context.Background()
	if d := c.s.tlsTimeout(); d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
		_ = tc.SetDeadline(time.Now().Add(d))
	}
	if err := tc.HandshakeContext(ctx); err != nil {
		reason := err.Error()
		var re tls.RecordHeaderError
		if errors.As(err, &re) && re.Conn != nil && recordLooksLikeHTTP(re.RecordHeader) {
			_, _ = io.WriteString(re.Conn, "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n")
			re.Conn.Close()
			reason = "client sent an HTTP request to an HTTPS server"
		}
		if l := c.s.srv.ErrorLog; l != nil {
			l.Printf("http: TLS handshake error from %s: %v", c.remote, reason)
		}
		return false, false
	}
	_ = tc.SetWriteDeadline(time.Time{})
	c.setReadDeadline(c.s.readHeaderTimeout)
	state := tc.ConnectionState()
	switch state.NegotiatedProtocol {
	case "", "http/1.1":
		c.tls = &state
		return false, true
	}
	return c.handOver(tc), false // nothing read yet: net/http sees the *tls.Conn
}

// tlsTimeout bounds the handshake as net/http's server does: the shortest
// of the read-header, read and write timeouts that are set.
func (s *FastServer) tlsTimeout() time.Duration {
	var d time.Duration
	for _, t := range []time.Duration{s.readHeaderTimeout, s.readTimeout, s.writeTimeout} {
		if t > 0 && (d == 0 || t < d) {
			d = t
		}
	}
	return d
}

// recordLooksLikeHTTP is net/http's test of a TLS record header that is
// the start of a plain HTTP request.
func recordLooksLikeHTTP(hdr [5]byte) bool {
	switch string(hdr[:]) {
	case "GET /", "HEAD ", "POST ", "PUT /", "OPTIO":
		return true
	}
	return false
}

// handedTLSConn is a handed-over TLS connection: net/http's server sets
// Request.TLS from a connection that reports its ConnectionState, as it
// does for a *tls.Conn.
type handedTLSConn struct {
	*handedConn
	tc *tls.Conn
}

func (c handedTLSConn) ConnectionState() tls.ConnectionState { return c.tc.ConnectionState() }
