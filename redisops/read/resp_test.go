package read

import (
	"bufio"
	"bytes"
	"errors"
	"flashtop/redisops"
	"fmt"
	"strings"
	"testing"
)

func respOf(s string) *respConn {
	return &respConn{rd: bufio.NewReader(strings.NewReader(s))}
}

// TestRESPRead: every reply kind the feed meets, and the bounds: a bulk or an
// array over its limit, a missing CRLF or an unknown type is errRESP, never
// an allocation of the server's choosing.
func TestRESPRead(t *testing.T) {
	good := []struct {
		in   string
		want string
	}{
		{"+OK\r\n", "OK"},
		{"-NOPERM no\r\n", "respError(NOPERM no)"},
		{":42\r\n", "42"},
		{"$3\r\nabc\r\n", "abc"},
		{"$-1\r\n", "<nil>"},
		{"*-1\r\n", "<nil>"},
		{"*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n", "[message __redis__:invalidate [a b]]"},
		{"*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n$-1\r\n", "[message __redis__:invalidate <nil>]"},
	}
	for _, c := range good {
		v, err := respOf(c.in).read()
		got := fmt.Sprint(v)
		if e, ok := v.(respError); ok {
			got = "respError(" + string(e) + ")"
		}
		if err != nil || got != c.want {
			t.Errorf("read %q = %s, %v; want %s", c.in, got, err, c.want)
		}
	}
	bad := []string{
		"$2000000\r\n", fmt.Sprintf("*%d\r\n", respMaxArray+1), "$3\r\nabcXY", "?x\r\n", ":x\r\n", "+OK\n",
		strings.Repeat("*1\r\n", respMaxDepth+1) + ":1\r\n", "$-2\r\n", "\r\n",
	}
	for _, in := range bad {
		if _, err := respOf(in).read(); !errors.Is(err, errRESP) {
			t.Errorf("read %q: %v, want errRESP", in, err)
		}
	}
}

// FuzzRESPRead: any bytes from a server end in values or an error, never a
// panic.
func FuzzRESPRead(f *testing.F) {
	for _, s := range []string{"+OK\r\n", "*2\r\n$1\r\na\r\n:1\r\n", "$-1\r\n", "*1\r\n*1\r\n*1\r\n:1\r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(_ *testing.T, data []byte) {
		c := &respConn{rd: bufio.NewReader(bytes.NewReader(data))}
		for range 100 {
			if _, err := c.read(); err != nil {
				return
			}
		}
	})
}

// TestAppendCommand writes RESP arrays of bulk strings.
func TestAppendCommand(t *testing.T) {
	got := string(appendCommand(nil, []any{"CLIENT", "TRACKING", 42}))
	if want := "*3\r\n$6\r\nCLIENT\r\n$8\r\nTRACKING\r\n$2\r\n42\r\n"; got != want {
		t.Fatalf("%q, want %q", got, want)
	}
}

// TestOverlapFree: Redis refuses overlapping BCAST prefixes; the covered
// ones are dropped.
func TestOverlapFree(t *testing.T) {
	got := overlapFree([]string{"reservation:", "res", "inventory:", "inventory:"})
	if fmt.Sprint(got) != "[res inventory:]" {
		t.Fatalf("%v", got)
	}
}

// TestTrackingHealthy reads CLIENT TRACKINGINFO replies.
func TestTrackingHealthy(t *testing.T) {
	info := func(flags []any, redirect int64) any {
		return []any{"flags", flags, "redirect", redirect, "prefixes", []any{"reservation:"}}
	}
	if err := trackingHealthy(info([]any{"on", "bcast"}, 7), 7); err != nil {
		t.Fatal(err)
	}
	for _, c := range []any{info([]any{"off"}, -1), info([]any{"on", "bcast", "broken_redirect"}, 7), info([]any{"on", "bcast"}, 8), "x"} {
		if err := trackingHealthy(c, 7); err == nil {
			t.Errorf("%v passed as healthy", c)
		}
	}
}

// TestFeedPrefixes: the BCAST prefixes are the templates' literal text
// before the first placeholder; a template that starts with a placeholder
// leaves no prefix, and then there is no feed (BCAST "" would push every
// key of the server), with the reason said.
func TestFeedPrefixes(t *testing.T) {
	p := &Poller{schema: redisops.DefaultSchema()}
	if f := newFeed(p, nil); f.why != "" || fmt.Sprint(f.prefixes) != "[reservation: inventory: queue:]" {
		t.Fatalf("default schema: prefixes %v, why %q", f.prefixes, f.why)
	}
	s, err := redisops.NewSchema("inventory:{{sale}}", "queue:{{sale}}", "{user}:hold:{sale}", "session:{user}")
	if err != nil {
		t.Fatal(err)
	}
	p = &Poller{schema: s}
	if f := newFeed(p, nil); !strings.Contains(f.why, "starts with a placeholder") || len(f.prefixes) != 0 {
		t.Fatalf("hold template with a leading placeholder: prefixes %v, why %q", f.prefixes, f.why)
	}
}
