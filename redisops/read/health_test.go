package read

import (
	"context"
	"reflect"
	"testing"

	"flashtop/redisops"
	"flashtop/redisops/redistest"
)

// TestHealthLive: on Redis and on Valkey, the reserve script's latency
// (EVALSHA) and a NOSCRIPT error show in a snapshot and in a poll, with the
// counts the server itself gives.
func TestHealthLive(t *testing.T) {
	redistest.EachKind(t, func(t *testing.T, k redistest.Kind) {
		srv := k.Start(t)
		rdb := srv.Client(t)
		ctx := context.Background()
		c, err := redisops.New(redisops.Options{URL: srv.URL()})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		sha := rdb.ScriptLoad(ctx, "return 1").Val()
		for range 5 {
			if err := rdb.EvalSha(ctx, sha, nil).Err(); err != nil {
				t.Fatal(err)
			}
		}
		for range 2 {
			_ = rdb.EvalSha(ctx, "ffffffffffffffffffffffffffffffffffffffff", nil).Err() // NOSCRIPT
		}
		snap, err := Full(ctx, c, redisops.SnapshotOptions{})
		if err != nil {
			t.Fatal(err)
		}
		p := NewPoller(c, PollerOptions{})
		defer p.Close()
		live, err := p.Snapshot(ctx, redisops.SnapshotOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for name, s := range map[string]redisops.ServerStats{"snapshot": snap.Server, "poll": live.Server} {
			if l, ok := s.ScriptLatencyUs["evalsha"]; !ok || l.P50 <= 0 || l.P99 < l.P50 || l.P999 < l.P99 {
				t.Errorf("%s: script latency %v, want evalsha percentiles", name, s.ScriptLatencyUs)
			}
			if !reflect.DeepEqual(s.Errors, map[string]int64{"NOSCRIPT": 2}) { // flashtop itself adds none
				t.Errorf("%s: errors %v, want NOSCRIPT 2 and nothing else", name, s.Errors)
			}
		}
	})
}
