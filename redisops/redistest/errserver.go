package redistest

import (
	"bufio"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// StartErrServer listens on a free loopback port and answers every command
// with the error reply "-<reply>" (a proxy that refuses everything, a server
// whose password was rotated), one reply per command, pipelines included.
// It returns the address; the listener and its connections are closed when
// the test ends. It is the one stand-in for Redis the tests use, and only
// for error replies.
func StartErrServer(tb testing.TB, reply string) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	line := "-" + strings.NewReplacer("\r", " ", "\n", " ").Replace(reply) + "\r\n"
	var mu sync.Mutex
	var conns []net.Conn
	closed := false
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			if closed {
				mu.Unlock()
				_ = c.Close()
				return
			}
			conns = append(conns, c)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				serveErrors(c, line)
			}()
		}
	}()
	tb.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		closed = true
		for _, c := range conns {
			_ = c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String()
}

// serveErrors answers each command read from c with line until c closes.
func serveErrors(c net.Conn, line string) {
	r := bufio.NewReader(c)
	for skipCommand(r) == nil {
		if _, err := c.Write([]byte(line)); err != nil {
			return
		}
	}
}

// skipCommand reads one command: a RESP array of bulk strings, or an inline
// command line.
func skipCommand(r *bufio.Reader) error {
	head, err := r.ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(head, "*") {
		return nil // inline
	}
	n, _ := strconv.Atoi(strings.TrimSpace(head[1:]))
	for range n {
		size, err := r.ReadString('\n')
		if err != nil {
			return err
		}
		l, _ := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(size, "$")))
		if _, err := r.Discard(max(l, 0) + 2); err != nil {
			return err
		}
	}
	return nil
}
