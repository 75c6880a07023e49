package redisops

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"flashtop/redisops/redistest"
)

const testSecret = "s3cret-Pw"

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"redis://user:" + testSecret + "@host:6379/0", "redis://user:***@host:6379/0"},
		{"redis://:" + testSecret + "@host:6379", "redis://:***@host:6379"},
		{"rediss://default:" + testSecret + "@[::1]:6380/2", "rediss://default:***@[::1]:6380/2"},
		{"redis://host:6379/0?password=" + testSecret, "redis://host:6379/0?password=***"},
		{"redis://host:6379/0", "redis://host:6379/0"},
		{"redis://user@host:6379", "redis://user@host:6379"},
		{"unix://:" + testSecret + "@/tmp/redis.sock?db=1", "unix://:***@/tmp/redis.sock?db=1"},
		{"localhost:6379", "localhost:6379"},
	}
	for _, tc := range tests {
		if got := RedactURL(tc.in); got != tc.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// Garbage, and both places for a password at once: nothing may leak.
	for _, in := range []string{
		"redis://u:" + testSecret + "@host:notaport",
		"redis://u:" + testSecret + "%zz@host",
		"redis://u:" + testSecret + "@h@st:1",
		"redis://u:" + testSecret + "@host:6379/0?password=" + testSecret + "2",
		"redis://host:6379/0?dial_timeout=1s&password=" + testSecret + "&db=2",
		"::" + testSecret + "@",
	} {
		if got := RedactURL(in); strings.Contains(got, testSecret) {
			t.Errorf("RedactURL(%q) = %q leaks the password", in, got)
		}
	}
}

func TestRedactError(t *testing.T) {
	err := fmt.Errorf("dial redis://u:%s@h: refused", testSecret)
	if got := RedactError(err, testSecret); strings.Contains(got, testSecret) || !strings.Contains(got, "u:***@h") {
		t.Errorf("RedactError = %q", got)
	}
	if RedactError(nil, testSecret) != "" || RedactError(err, "") != err.Error() {
		t.Error("RedactError of nil or without a password")
	}
}

func TestNewErrors(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		o    Options
		says string
	}{
		{"bad scheme", Options{URL: "http://localhost:6379"}, "redis://"},
		{"no scheme", Options{URL: "localhost:6379"}, "redis://"},
		{"not a url", Options{URL: "redis://u:" + testSecret + "@host:notaport"}, "not a URL"},
		{"tls ca on redis://", Options{URL: "redis://localhost", TLSCA: notPEM}, "rediss://"},
		{"tls insecure on redis://", Options{URL: "redis://localhost", TLSInsecure: true}, "rediss://"},
		{"cert without key", Options{URL: "rediss://localhost", TLSCert: notPEM}, "--tls-key"},
		{"key without cert", Options{URL: "rediss://localhost", TLSKey: notPEM}, "--tls-cert"},
		{"ca not pem", Options{URL: "rediss://localhost", TLSCA: notPEM}, "PEM"},
		{"ca missing", Options{URL: "rediss://localhost", TLSCA: filepath.Join(dir, "nope.pem")}, "--tls-ca"},
		{"cluster and sentinel", Options{URL: "redis://localhost", Cluster: true, SentinelMaster: "m"}, "exclude"},
		{"cluster unsafe schema", Options{URL: "redis://localhost", Cluster: true}, "hash tag"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(tc.o)
			if err == nil {
				c.Close()
				t.Fatal("New succeeded")
			}
			if !errors.Is(err, ErrConfig) && !errors.Is(err, ErrTemplate) {
				t.Errorf("%v wraps neither ErrConfig nor ErrTemplate", err)
			}
			if !strings.Contains(err.Error(), tc.says) || strings.Contains(err.Error(), testSecret) {
				t.Errorf("error %q: want it to say %q and hide the password", err, tc.says)
			}
		})
	}
}

// TestNewPingLive: New then Ping works against a real server and the
// connection is named flashtop.
func TestNewPingLive(t *testing.T) {
	srv := redistest.Start(t)
	c, err := New(Options{URL: srv.URL()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	if rtt, err := c.Ping(ctx); err != nil || rtt <= 0 {
		t.Fatalf("Ping = %v, %v", rtt, err)
	}
	list, err := srv.Client(t).ClientList(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(list, "name="+ClientName+" ") {
		t.Errorf("CLIENT LIST has no name=%s connection:\n%s", ClientName, list)
	}
	if c.URL() != srv.URL() || len(c.Hosts()) != 1 || c.Hosts()[0] != "127.0.0.1" {
		t.Errorf("URL %q hosts %q", c.URL(), c.Hosts())
	}
	if c.Timeout() != DefaultTimeout || c.MaxQueue() != DefaultMaxQueue || c.Schema().Hold.String() != DefaultHoldTemplate {
		t.Errorf("defaults: timeout %v max queue %d hold %q", c.Timeout(), c.MaxQueue(), c.Schema().Hold)
	}
}

func TestAuthErrorsLive(t *testing.T) {
	srv := redistest.Start(t, "--requirepass", testSecret)
	ctx := context.Background()
	for name, o := range map[string]Options{
		"wrong password":   {URL: srv.URL(), Password: "wrong-pw"},
		"no password":      {URL: srv.URL()},
		"wrong in url":     {URL: "redis://:wrong-pw@" + srv.Addr() + "/0"},
		"unknown acl user": {URL: srv.URL(), Username: "nobody", Password: testSecret},
	} {
		t.Run(name, func(t *testing.T) {
			c, err := New(o)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			_, err = c.Ping(ctx)
			if !errors.Is(err, ErrAuth) {
				t.Errorf("Ping: %v, want ErrAuth", err)
			}
			if err != nil && (strings.Contains(err.Error(), "wrong-pw") || strings.Contains(err.Error(), testSecret)) {
				t.Errorf("error %q shows a password", err)
			}
		})
	}
	c, err := New(Options{URL: srv.URL(), Password: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Ping(ctx); err != nil {
		t.Errorf("right password: %v", err)
	}
}

func TestNoPermLive(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	if err := srv.Client(t).Do(ctx, "ACL", "SETUSER", "watcher", "on", ">"+testSecret, "~*", "+@all", "-info", "-slowlog").Err(); err != nil {
		t.Fatal(err)
	}
	c, err := New(Options{URL: srv.URL(), Username: "watcher", Password: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Info(ctx); !errors.Is(err, ErrNoPerm) {
		t.Errorf("Info without +info: %v, want ErrNoPerm", err)
	}
	if _, err := c.Slowlog(ctx, 10); !errors.Is(err, ErrNoPerm) {
		t.Errorf("Slowlog without +slowlog: %v, want ErrNoPerm", err)
	}
}

func TestUnreachableLive(t *testing.T) {
	port, err := redistest.FreePort() // nothing listens there
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Options{URL: "redis://127.0.0.1:" + strconv.Itoa(port) + "/0"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Ping(context.Background()); !errors.Is(err, ErrUnreachable) {
		t.Errorf("Ping on a closed port: %v, want ErrUnreachable", err)
	}
	if _, err := c.Slowlog(context.Background(), 1); !errors.Is(err, ErrUnreachable) {
		t.Errorf("Slowlog on a closed port: %v, want ErrUnreachable", err)
	}
}
