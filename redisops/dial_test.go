package redisops

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"flashtop/redisops/redistest"
)

// TestDialNamesTLSMismatch: a client of each kind names the mismatch as an
// ErrUnreachable error long before its timeout (measured, logged, asserted
// under 5 s), and the same client setup works against the right server.
func TestDialNamesTLSMismatch(t *testing.T) {
	plain := redistest.Start(t)
	tlsOnly, certs := redistest.StartTLS(t, false)
	for _, c := range []struct {
		name string
		o    Options
		want string
	}{
		{"rediss:// to a plain server", Options{URL: "rediss://" + plain.Addr() + "/0", TLSCA: certs.CA}, hintNotTLS},
		{"redis:// to a TLS-only server", Options{URL: tlsOnly.URL()}, hintOnlyTLS},
		{"rediss:// to a plain server, --timeout 10s", Options{URL: "rediss://" + plain.Addr() + "/0", TLSCA: certs.CA, Timeout: 10 * time.Second}, hintNotTLS},
	} {
		client, err := New(c.o)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, err = client.Ping(context.Background())
		took := time.Since(start)
		_ = client.Close()
		if !errors.Is(err, ErrUnreachable) || err.Error() != ErrUnreachable.Error()+": "+c.want {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
		if took > 5*time.Second {
			t.Errorf("%s: named after %s", c.name, took)
		}
		t.Logf("%s: named in %s", c.name, took.Round(time.Millisecond))
	}
	for _, o := range []Options{{URL: plain.URL()}, {URL: tlsOnly.TLSURL(), TLSCA: certs.CA}} {
		client, err := New(o)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := client.Ping(context.Background()); err != nil {
			t.Errorf("%s: %v", o.URL, err)
		}
		_ = client.Close()
	}
}

// TestPlainConnKeepsOtherEOFs: a server that closes every connection at
// once, speaking no TLS either, still reads as a plain EOF (unreachable),
// not as a TLS server.
func TestPlainConnKeepsOtherEOFs(t *testing.T) {
	client, err := New(Options{URL: redistest.StartBroken(t, redistest.DropAtOnce).URL()})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	_, err = client.Ping(context.Background())
	if !errors.Is(err, ErrUnreachable) || strings.Contains(err.Error(), "TLS") {
		t.Fatalf("a closing server: %v", err)
	}
}
