package redisops

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"flashtop/redisops/redistest"
)

// TestUnknownOutcomeIsSaidAndNeverRetried: a write whose connection breaks
// after it was sent (dropped, half a reply, no reply) is an OutcomeError
// (ErrUnknownOutcome, ErrUnreachable) naming the read that tells, and it was
// sent exactly once (go-redis would have retried it, writing again).
func TestUnknownOutcomeIsSaidAndNeverRetried(t *testing.T) {
	for _, mode := range []redistest.BreakMode{redistest.DropOnScript, redistest.HalfReply, redistest.SilentOnScript} {
		t.Run(string(mode), func(t *testing.T) {
			srv := redistest.StartBroken(t, mode)
			c, err := New(Options{URL: srv.URL(), Timeout: 300 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			ctx := context.Background()
			if _, err := c.Ping(ctx); err != nil { // the connection is set up, as the CLI's pre-write ping does
				t.Fatal(err)
			}
			for _, w := range []struct {
				name, check string
				call        func() error
			}{
				{"reserve", "flashtop snapshot --sale s1", func() error { _, err := c.Reserve(ctx, "s1", "u1", 1, time.Minute); return err }},
				{"release", "flashtop snapshot --sale 's 1'", func() error { _, err := c.Release(ctx, "s 1", "u1", nil); return err }},
				{"restock", "flashtop inventory get --sale s1", func() error { _, err := c.Restock(ctx, "s1", 5, nil); return err }},
				{"join", "flashtop queue position --sale s1 --user 'it'\\''s'", func() error { _, err := c.Join(ctx, "s1", "it's"); return err }},
				{"admit", "flashtop queue length --sale s1", func() error { _, err := c.Admit(ctx, "s1", 2); return err }},
			} {
				before := srv.Scripts()
				err := w.call()
				var oe *OutcomeError
				if !errors.As(err, &oe) || !errors.Is(err, ErrUnknownOutcome) || !errors.Is(err, ErrUnreachable) || oe.Check != w.check {
					t.Fatalf("%s: %v, want an unknown outcome checked with %q", w.name, err, w.check)
				}
				if want := "redisops: outcome unknown: may have been applied: check with `" + w.check + "`; no reply: "; !strings.HasPrefix(err.Error(), want) {
					t.Errorf("%s: %q, want it to start %q", w.name, err, want)
				}
				if n := srv.Scripts() - before; n != 1 {
					t.Errorf("%s: the script was sent %d times, want once", w.name, n)
				}
			}
		})
	}
}

// TestKnownFailuresAreNotUnknown: a write that could not be sent (nothing
// listens, a TLS mismatch) and one the server refused with an error reply
// have known outcomes: no "may have been applied".
func TestKnownFailuresAreNotUnknown(t *testing.T) {
	port, err := redistest.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	down, err := New(Options{URL: fmt.Sprintf("redis://127.0.0.1:%d/0", port)})
	if err != nil {
		t.Fatal(err)
	}
	defer down.Close()
	ctx := context.Background()
	if _, err := down.Restock(ctx, "s1", 1, nil); !errors.Is(err, ErrUnreachable) || errors.Is(err, ErrUnknownOutcome) {
		t.Errorf("nothing listening: %v", err)
	}
	c := newTestClient(t, redistest.Redis)
	if err := c.Redis().Set(ctx, "inventory:s1", "not a number", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Restock(ctx, "s1", 1, nil); !errors.Is(err, ErrServer) || errors.Is(err, ErrUnknownOutcome) {
		t.Errorf("an error reply: %v", err)
	}
	for _, e := range []error{&mismatchError{hintOnlyTLS}, &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, context.DeadlineExceeded} {
		if mayHaveBeenSent(e) {
			t.Errorf("%v may have been sent?", e)
		}
	}
	for _, e := range []error{io.EOF, io.ErrUnexpectedEOF, &net.OpError{Op: "read", Err: syscall.ECONNRESET}, fmt.Errorf("x: %w", syscall.EPIPE)} {
		if !mayHaveBeenSent(e) {
			t.Errorf("%v was not sent?", e)
		}
	}
}

// TestStoppedServerAppliesTheWriteLater: the dashboard's case with a real
// redis-server: a long-lived client's restock times out while the server is
// stopped (SIGSTOP) and says its outcome is unknown; when the server resumes
// it runs the restock, once.
func TestStoppedServerAppliesTheWriteLater(t *testing.T) {
	srv, c := newTestServerClient(t, redistest.Redis, Options{Timeout: 300 * time.Millisecond})
	ctx := context.Background()
	if _, err := c.SetStock(ctx, "s1", 10); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Restock(ctx, "s1", 1, nil); err != nil { // 11; the script is loaded: EVALSHA runs it
		t.Fatal(err)
	}
	if err := syscall.Kill(srv.PID(), syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	_, err := c.Restock(ctx, "s1", 5, nil)
	if err := syscall.Kill(srv.PID(), syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	var oe *OutcomeError
	if !errors.As(err, &oe) || oe.Check != "flashtop inventory get --sale s1" {
		t.Fatalf("restock against a stopped server: %v, want an unknown outcome", err)
	}
	rdb := srv.Client(t)
	var v string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if v, _ = rdb.Get(ctx, "inventory:s1").Result(); v == "16" {
			break
		}
	}
	if v != "16" {
		t.Fatalf("stock %q after the server resumed, want 16 (the restock applied once)", v)
	}
}
