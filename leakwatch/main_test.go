package leakwatch

import (
	"testing"
	"time"

	"go.uber.org/goleak"

	"flashtop/redisops"
	"flashtop/redisops/redistest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Shared test helpers for package leakwatch.

// newClient returns a redisops.Client on a running server, built from o
// (o.URL is set to the server's URL), closed when the test ends.
func newClient(t testing.TB, srv *redistest.Server, o redisops.Options) *redisops.Client {
	t.Helper()
	o.URL = srv.URL()
	c, err := redisops.New(o)
	if err != nil {
		t.Fatalf("redisops.New: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// testLeak is a leak of class on a hash hold, seen at 1800000000.
func testLeak(class, sale, user, stamp string, qty int64) redisops.Leak {
	return redisops.Leak{Sale: sale, User: user, Key: redisops.DefaultSchema().HoldKey(user, sale),
		Shape: redisops.HoldShapeHash, Quantity: qty, Stamp: stamp, At: time.Unix(1_800_000_000, 0), Class: class}
}
