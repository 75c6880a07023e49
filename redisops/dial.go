package redisops

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"time"
)

// flashtop dials every connection itself (go-redis's Options.Dialer) to
// name a TLS mismatch at once rather than after a timeout:
//
//   - rediss:// to a plain server: the server waits for a command, the TLS
//     client for a ServerHello, until the dial times out ("context deadline
//     exceeded"). When no ServerHello came within plainProbeDelay, a second
//     connection sends a plain PING; a RESP reply proves a plain server.
//   - redis:// to a TLS-only server: the server drops the connection at the
//     first plain byte, which reads as a bare EOF. When a fresh connection
//     ends before its first byte, a TLS handshake on a second connection
//     tells a TLS server (plainConn).
//
// Both probes run only on those failures, never on a healthy connection.

// Hints of a TLS mismatch (Classify words the handshake's own failures).
const (
	hintNotTLS  = "the server does not speak TLS (use redis:// instead of rediss://)"
	hintOnlyTLS = "the server speaks only TLS (use rediss:// instead of redis://, with --tls-ca for its CA)"
)

// maxPlainProbeDelay is how long a TLS handshake may wait for the server's
// first answer before a plain PING is tried beside it (less with a short
// --timeout: a quarter of it).
const maxPlainProbeDelay = 500 * time.Millisecond

// mismatchError is a TLS mismatch found while dialing: an ErrUnreachable
// error. It has no single Unwrap, so go-redis (which unwraps the error of a
// connection's handshake once) passes it on whole.
type mismatchError struct{ hint string }

func (e *mismatchError) Error() string   { return ErrUnreachable.Error() + ": " + e.hint }
func (e *mismatchError) Unwrap() []error { return []error{ErrUnreachable} }

// dialer returns the Dialer of a client: TCP (or a unix socket), then TLS
// when tlsCfg is set, each step bounded by timeout and ctx.
func dialer(timeout time.Duration, tlsCfg *tls.Config) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		d := net.Dialer{Timeout: timeout, KeepAlive: 5 * time.Minute}
		conn, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		switch {
		case tlsCfg != nil:
			return handshake(ctx, conn, tlsCfg, network, addr, timeout)
		case network == "unix":
			return conn, nil
		}
		return &plainConn{Conn: conn, network: network, addr: addr, timeout: timeout}, nil
	}
}

// handshake runs the TLS handshake on conn; when the server has not
// answered within the probe delay, a plain PING on another connection may
// show that it does not speak TLS.
func handshake(ctx context.Context, conn net.Conn, cfg *tls.Config, network, addr string, timeout time.Duration) (net.Conn, error) {
	if cfg.ServerName == "" {
		cfg = cfg.Clone()
		cfg.ServerName, _, _ = net.SplitHostPort(addr)
	}
	hctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tc := tls.Client(conn, cfg)
	done := make(chan error, 1)
	go func() { done <- tc.HandshakeContext(hctx) }()
	probe := time.NewTimer(min(timeout/4, maxPlainProbeDelay))
	defer probe.Stop()
	plain := make(chan bool, 1)
	for {
		select {
		case err := <-done:
			if err != nil {
				_ = conn.Close()
				return nil, err
			}
			return tc, nil
		case <-probe.C:
			go func() { plain <- speaksPlainRESP(hctx, network, addr) }()
		case yes := <-plain:
			if yes {
				cancel()
				<-done //nolint:errcheck // the handshake was abandoned: how it ended is moot
				_ = conn.Close()
				return nil, &mismatchError{hintNotTLS}
			}
		}
	}
}

// speaksPlainRESP reports whether the server at addr answers a plain inline
// PING with a RESP line (+PONG, or an error such as -NOAUTH).
func speaksPlainRESP(ctx context.Context, network, addr string) bool {
	var d net.Dialer
	c, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return false
	}
	defer c.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = c.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = c.SetDeadline(time.Now()) })
	defer stop()
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return false
	}
	buf := make([]byte, 64)
	n, _ := io.ReadAtLeast(c, buf, 3)
	return n >= 3 && (buf[0] == '+' || buf[0] == '-') && bytes.Contains(buf[:n], []byte("\r\n"))
}

// speaksTLS reports whether the server at addr completes (or answers with
// a TLS alert) a TLS handshake, its certificate unchecked: it is only asked
// whether it speaks TLS at all.
func speaksTLS(network, addr string, timeout time.Duration) bool {
	ctx, cancel := context.WithTimeout(context.Background(), min(timeout, time.Second))
	defer cancel()
	var d net.Dialer
	c, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return false
	}
	defer c.Close()
	host, _, _ := net.SplitHostPort(addr)
	err = tls.Client(c, &tls.Config{InsecureSkipVerify: true, ServerName: host}).HandshakeContext(ctx) //nolint:gosec // a probe: nothing is sent over it
	return err == nil || strings.Contains(err.Error(), "remote error: tls:")
}

// plainConn is a plain TCP connection that, when it ends before the server
// sent its first byte, asks whether the server speaks only TLS and then
// fails with that hint instead of a bare EOF. go-redis reads a connection
// from one goroutine at a time.
type plainConn struct {
	net.Conn
	network, addr string
	timeout       time.Duration
	got           bool  // a byte was read, or the probe ran
	mismatch      error // the probe's verdict, returned by every later Read
}

// Read reads from the connection (see plainConn).
func (c *plainConn) Read(b []byte) (int, error) {
	if c.mismatch != nil { // sticky: a reader may drop one error (a peek) and read again
		return 0, c.mismatch
	}
	n, err := c.Conn.Read(b)
	if n > 0 {
		c.got = true
	}
	if err != nil && !c.got && (errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET)) {
		c.got = true // probe once
		if speaksTLS(c.network, c.addr, c.timeout) {
			c.mismatch = &mismatchError{hintOnlyTLS}
			return n, c.mismatch
		}
	}
	return n, err
}

// SyscallConn exposes the socket, so that go-redis's health check of idle
// connections (a non-blocking peek) still works through the wrapper.
func (c *plainConn) SyscallConn() (syscall.RawConn, error) {
	sc, ok := c.Conn.(syscall.Conn)
	if !ok {
		return nil, errors.ErrUnsupported
	}
	return sc.SyscallConn()
}
