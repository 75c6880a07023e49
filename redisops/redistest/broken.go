package redistest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// Broken is the one fake server of the tests, for faults a real one cannot
// be made to show on cue (it is no model of Redis: it knows the connection
// handshake and counts scripts). In the script modes it answers HELLO with
// an error (the client falls back to RESP2), PING with PONG and every other
// command with OK, and breaks on every script (EVAL, EVALSHA) in the way of
// its mode, or at once. In ErrorReply mode (StartErrServer) it answers every
// command with one error reply.
type Broken struct {
	ln      net.Listener
	mode    BreakMode
	errLine string // ErrorReply: the reply to every command
	scripts atomic.Int64
	conns   sync.Map
	wg      sync.WaitGroup
}

// BreakMode is how a Broken server fails a script.
type BreakMode string

// The ways a Broken server fails a script.
const (
	DropOnScript   BreakMode = "drop"    // close the connection: the client reads EOF
	HalfReply      BreakMode = "half"    // write half a reply, then close
	SilentOnScript BreakMode = "silent"  // never answer: the client times out
	DropAtOnce     BreakMode = "at once" // close every connection before reading from it
	ErrorReply     BreakMode = "error"   // answer every command, pipelines included, with one error reply
)

// StartBroken listens on a free loopback port; it stops when the test ends.
func StartBroken(tb testing.TB, mode BreakMode) *Broken {
	tb.Helper()
	return startBroken(tb, mode, "")
}

// StartErrServer starts a Broken server in ErrorReply mode: every command is
// answered with the error reply "-<reply>" (a proxy that refuses
// everything, a server whose password was rotated), one reply per command,
// pipelines included. It returns the address.
func StartErrServer(tb testing.TB, reply string) string {
	tb.Helper()
	return startBroken(tb, ErrorReply, reply).ln.Addr().String()
}

func startBroken(tb testing.TB, mode BreakMode, reply string) *Broken {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	b := &Broken{ln: ln, mode: mode, errLine: "-" + strings.NewReplacer("\r", " ", "\n", " ").Replace(reply) + "\r\n"}
	b.wg.Add(1)
	go b.accept()
	tb.Cleanup(b.stop)
	return b
}

// URL is the redis:// URL of the server.
func (b *Broken) URL() string { return "redis://" + b.ln.Addr().String() + "/0" }

// Scripts is how many scripts (EVAL, EVALSHA) the server was sent.
func (b *Broken) Scripts() int64 { return b.scripts.Load() }

func (b *Broken) accept() {
	defer b.wg.Done()
	for {
		c, err := b.ln.Accept()
		if err != nil {
			return
		}
		b.conns.Store(c, true)
		b.wg.Add(1)
		go func() {
			defer b.wg.Done()
			defer b.conns.Delete(c)
			b.serve(c)
		}()
	}
}

func (b *Broken) stop() {
	_ = b.ln.Close()
	b.conns.Range(func(c, _ any) bool { _ = c.(net.Conn).Close(); return true })
	b.wg.Wait()
}

// serve answers one connection until a script breaks it.
func (b *Broken) serve(c net.Conn) {
	defer c.Close()
	if b.mode == DropAtOnce {
		return
	}
	r := bufio.NewReader(c)
	for {
		args, err := readCommand(r)
		if err != nil {
			return
		}
		if b.mode == ErrorReply {
			if _, err := io.WriteString(c, b.errLine); err != nil {
				return
			}
			continue
		}
		switch strings.ToUpper(args[0]) {
		case "HELLO":
			_, _ = io.WriteString(c, "-ERR unknown command 'HELLO'\r\n")
		case "PING":
			_, _ = io.WriteString(c, "+PONG\r\n")
		case "EVAL", "EVALSHA":
			b.scripts.Add(1)
			switch b.mode {
			case HalfReply:
				_, _ = io.WriteString(c, "*2\r\n$8\r\nreserved\r\n")
			case SilentOnScript:
				_, _ = io.Copy(io.Discard, r) // until the client gives up
			}
			return
		default:
			_, _ = io.WriteString(c, "+OK\r\n")
		}
	}
}

// readCommand reads one command: a RESP array of bulk strings, or an inline
// command line.
func readCommand(r *bufio.Reader) ([]string, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(line, "*") {
		if f := strings.Fields(line); len(f) > 0 {
			return f, nil
		}
		return []string{""}, nil // an empty inline line
	}
	n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "*")))
	if err != nil || n < 1 || n > 1024 {
		return nil, fmt.Errorf("redistest: not a command: %q", line)
	}
	args := make([]string, n)
	for i := range args {
		head, err := r.ReadString('\n')
		if err != nil {
			return nil, err
		}
		size, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(head, "$")))
		if err != nil || size < 0 || size > 1<<20 {
			return nil, fmt.Errorf("redistest: not a bulk string: %q", head)
		}
		buf := make([]byte, size+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		args[i] = string(buf[:size])
	}
	return args, nil
}
