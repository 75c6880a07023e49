// Package redistest starts real redis-server and valkey-server processes for
// tests: each on a free loopback port, in its own temporary directory,
// without persistence, stopped by PID when the test ends. It never mocks
// Redis: a machine without the server program fails the test with a hint on
// how to install it. The package functions run Redis; Kind's methods run
// either (Valkey.Start, EachKind).
package redistest

import (
	"context"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"

	"flashtop/localserver"
)

// InstallHint is printed when redis-server cannot be found.
const InstallHint = localserver.InstallHint

// Server is one running redis-server process owned by a test.
type Server struct {
	*localserver.Server
	tb   testing.TB
	Kind Kind // the program: Redis or Valkey
}

// Binary returns the path of redis-server, or an error with InstallHint.
func Binary() (string, error) { return localserver.Binary() }

// FreePort asks the kernel for a free loopback TCP port.
func FreePort() (int, error) { return localserver.FreePort() }

// Start runs a redis-server with extra arguments (e.g. "--requirepass", "pw")
// and waits until it answers. It is stopped in t.Cleanup; a missing
// redis-server fails the test with InstallHint.
func Start(tb testing.TB, extraArgs ...string) *Server {
	tb.Helper()
	return Redis.Start(tb, extraArgs...)
}

// Restart starts the server again on the same port; failure fails the test.
func (s *Server) Restart() {
	s.tb.Helper()
	if err := s.Server.Restart(); err != nil {
		s.tb.Fatal(err)
	}
}

// Client returns a go-redis client to the server, closed in t.Cleanup.
func (s *Server) Client(tb testing.TB) *redis.Client {
	tb.Helper()
	c := redis.NewClient(&redis.Options{Addr: s.Addr(), DisableIdentity: true,
		// no CLIENT MAINT_NOTIFICATIONS: the server's error counts stay the tests'
		MaintNotificationsConfig: &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}})
	tb.Cleanup(func() { _ = c.Close() })
	if err := c.Ping(context.Background()).Err(); err != nil && !strings.Contains(err.Error(), "NOAUTH") {
		tb.Fatalf("redistest: ping %s: %v", s.Addr(), err)
	}
	return c
}
