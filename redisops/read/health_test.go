package read

import (
	"context"
	"reflect"
	"testing"
	"time"

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

// TestOwnErrorsCountedApart: a hold written as a JSON string where the
// sale's holds are hashes is read by the poller as a hash first (its shape
// guess): a WRONGTYPE reply the server counts in errorstats. The snapshot
// gives exactly that many as flashtop's own, so the others' errors are 0.
func TestOwnErrorsCountedApart(t *testing.T) {
	redistest.EachKind(t, func(t *testing.T, k redistest.Kind) {
		srv := k.Start(t)
		rdb := srv.Client(t)
		ctx := context.Background()
		c, err := redisops.New(redisops.Options{URL: srv.URL(), BackendScripts: []redisops.BackendScript{}})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		redistest.WriteHold(t, rdb, "s1", "u1", 1, time.Minute, false) // a hash: the sale's shape
		p := NewPoller(c, PollerOptions{})
		defer p.Close()
		o := redisops.SnapshotOptions{Sale: "s1"}
		for range 3 {
			if _, err := p.Snapshot(ctx, o); err != nil {
				t.Fatal(err)
			}
		}
		rdb.Set(ctx, "reservation:u2:s1", `{"saleId":"s1","userId":"u2","quantity":2,"expiresAt":"2030-01-01T00:00:00.000Z"}`, time.Minute)
		var snap *redisops.Snapshot
		for range 10 {
			if snap, err = p.Snapshot(ctx, o); err != nil {
				t.Fatal(err)
			}
			if snap.Server.FlashtopErrors["WRONGTYPE"] > 0 {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		own := snap.Server.FlashtopErrors["WRONGTYPE"]
		if own == 0 || snap.Server.Errors["WRONGTYPE"] != own || snap.Server.OthersErrors()["WRONGTYPE"] != 0 {
			t.Fatalf("errors %v, flashtop's %v, others %v: want the server's WRONGTYPE all flashtop's",
				snap.Server.Errors, snap.Server.FlashtopErrors, snap.Server.OthersErrors())
		}
	})
}
