package redistest

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"
)

// TestSentinelNamesMasterAndStops: a failover client through the Sentinel
// reaches the master, and the Sentinel process is gone after Stop.
func TestSentinelNamesMasterAndStops(t *testing.T) {
	s := StartSentinel(t)
	ctx := context.Background()
	fc := redis.NewFailoverClient(&redis.FailoverOptions{MasterName: SentinelMasterName,
		SentinelAddrs: []string{s.Addr()}, DisableIdentity: true})
	defer fc.Close()
	if err := fc.Set(ctx, "through", "sentinel", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if v := s.Master.Client(t).Get(ctx, "through").Val(); v != "sentinel" {
		t.Fatalf("master has %q, want the value written through the Sentinel", v)
	}
	pid := s.cmd.Process.Pid
	s.stop()
	if alive(pid) {
		t.Fatalf("sentinel pid %d alive after stop", pid)
	}
}
