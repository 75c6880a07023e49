package redisops

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"flashtop/redisops/redistest"
)

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"127.0.0.1": true, "127.3.4.5": true, "127.255.255.254": true, "::1": true, "[::1]": true,
		"localhost": true, "LOCALHOST": true, "redis.localhost": true, UnixSocketHost: true, "unix": false, "::ffff:127.0.0.1": true,
		"0.0.0.0": false, "::": false, "redis.flashtop.invalid": false, "127.0.0.1.flashtop.invalid": false,
		"localhost.flashtop.invalid": false, "": false, "[::2]": false,
	} {
		if got := IsLoopback(host); got != want {
			t.Errorf("IsLoopback(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestWriteArming(t *testing.T) {
	tests := []struct {
		name                        string
		url                         string
		readOnly, allowWrites, demo bool
		armed                       bool
		reason                      string
	}{
		{"ipv4 loopback", "redis://127.0.0.1:6379/0", false, false, false, true, "loopback"},
		{"other 127/8", "redis://127.3.4.5:6379", false, false, false, true, "loopback"},
		{"ipv6 loopback", "redis://[::1]:6379", false, false, false, true, "loopback"},
		{"localhost", "redis://localhost:6379/0", false, false, false, true, "loopback"},
		{"default url", DefaultURL, false, false, false, true, "loopback"},
		{"unix socket", "unix:///var/run/redis.sock", false, false, false, true, "loopback"},
		{"remote host", "redis://redis.flashtop.invalid:6379", false, false, false, false, "redis.flashtop.invalid"},
		{"remote name", "rediss://u:pw@redis.flashtop.invalid:6380", false, false, false, false, "--allow-writes"},
		{"remote seed in cluster", "redis://127.0.0.1:7000?addr=redis-b.flashtop.invalid:7001", false, false, false, false, "redis-b.flashtop.invalid"},
		{"allow writes remote", "redis://redis.flashtop.invalid:6379", false, true, false, true, "--allow-writes"},
		{"read-only wins on loopback", "redis://127.0.0.1:6379", true, false, false, false, "--read-only"},
		{"read-only wins over allow", "redis://redis.flashtop.invalid", true, true, false, false, "--read-only"},
		{"read-only wins over demo", "redis://127.0.0.1:6379", true, false, true, false, "--read-only"},
		{"demo", "redis://127.0.0.1:6379", false, false, true, true, "demo"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hosts, err := URLHosts(tc.url)
			if err != nil {
				t.Fatal(err)
			}
			a := WriteArming(hosts, tc.readOnly, tc.allowWrites, tc.demo)
			if a.Armed != tc.armed || !strings.Contains(a.Reason, tc.reason) {
				t.Errorf("WriteArming(%q) = %+v, want armed=%v with %q", hosts, a, tc.armed, tc.reason)
			}
			if strings.Contains(a.Reason, "pw") {
				t.Errorf("reason %q shows the password", a.Reason)
			}
		})
	}
}

// TestWriteArmingUnixSocketLive connects through a real unix socket: the
// client's hosts arm writes.
func TestWriteArmingUnixSocketLive(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "redis.sock")
	redistest.Start(t, "--unixsocket", sock, "--unixsocketperm", "700")
	c, err := New(Options{URL: "unix://" + sock})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	if a := WriteArming(c.Hosts(), false, false, false); !a.Armed {
		t.Errorf("unix socket %q: %+v, want armed", c.Hosts(), a)
	}
}
