package redisops

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"flashtop/redisops/redistest"
)

// TestHealthNotReportedIsNotZero: a server without the latencystats or
// errorstats section reports nothing (nil), a section without lines an
// empty map, and garbled lines are skipped.
func TestHealthNotReportedIsNotZero(t *testing.T) {
	none := ParseInfo("# Server\r\nredis_version:6.2.14\r\n")
	if none.ScriptLatency() != nil || none.ErrorCounts() != nil {
		t.Errorf("absent sections: %v %v, want nil (not reported)", none.ScriptLatency(), none.ErrorCounts())
	}
	empty := ParseInfo("# Errorstats\r\n\r\n# Latencystats\r\nlatency_percentiles_usec_get:p50=1,p99=2,p99.9=3\r\n")
	if l, e := empty.ScriptLatency(), empty.ErrorCounts(); l == nil || len(l) != 0 || e == nil || len(e) != 0 {
		t.Errorf("sections without scripts or errors: %v %v, want empty maps", l, e)
	}
	messy := ParseInfo("# Errorstats\r\nerrorstat_NOSCRIPT:count=3\r\nerrorstat_OOM:count=-1\r\nerrorstat_X:nope\r\n" +
		"errorstat_\x1b[2J:count=1\r\n# Latencystats\r\nlatency_percentiles_usec_evalsha:p50=16.063,p99=76.287,p99.9=80.1\r\n" +
		"latency_percentiles_usec_fcall:p50=1,p99=x,p99.9=3\r\n")
	if got, want := messy.ErrorCounts(), map[string]int64{"NOSCRIPT": 3, `\x1b[2J`: 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("errors %v, want %v", got, want)
	}
	if got, want := messy.ScriptLatency(), map[string]Percentiles{"evalsha": {16.063, 76.287, 80.1}}; !reflect.DeepEqual(got, want) {
		t.Errorf("latency %v, want %v", got, want)
	}
}

// TestHealthLive: on Redis and on Valkey, the reserve script's latency
// (EVALSHA) and a NOSCRIPT error show in a snapshot and in a poll, with the
// counts the server itself gives.
func TestHealthLive(t *testing.T) {
	redistest.EachKind(t, func(t *testing.T, k redistest.Kind) {
		srv := k.Start(t)
		rdb := srv.Client(t)
		ctx := context.Background()
		c, err := New(Options{URL: srv.URL()})
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
		snap, err := c.Snapshot(ctx, SnapshotOptions{})
		if err != nil {
			t.Fatal(err)
		}
		p := NewPoller(c, PollerOptions{})
		defer p.Close()
		live, err := p.Snapshot(ctx, SnapshotOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for name, s := range map[string]ServerStats{"snapshot": snap.Server, "poll": live.Server} {
			if l, ok := s.ScriptLatencyUs["evalsha"]; !ok || l.P50 <= 0 || l.P99 < l.P50 || l.P999 < l.P99 {
				t.Errorf("%s: script latency %v, want evalsha percentiles", name, s.ScriptLatencyUs)
			}
			if !reflect.DeepEqual(s.Errors, map[string]int64{"NOSCRIPT": 2}) { // flashtop itself adds none
				t.Errorf("%s: errors %v, want NOSCRIPT 2 and nothing else", name, s.Errors)
			}
		}
	})
}

// TestOwnScriptsAddNoErrors: flashtop's own operations, each run for the
// first time on a fresh server, leave the server's error counts empty: its
// scripts are loaded before their first EVALSHA, so no NOSCRIPT (the
// backend-broken signal) is flashtop's.
func TestOwnScriptsAddNoErrors(t *testing.T) {
	redistest.EachKind(t, func(t *testing.T, k redistest.Kind) {
		srv := k.Start(t)
		rdb := srv.Client(t)
		ctx := context.Background()
		c, err := New(Options{URL: srv.URL()})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		for _, r := range []Request{
			{Kind: KindSet, Sale: "s1", N: 10}, {Kind: KindRestock, Sale: "s1", N: 5}, {Kind: KindTake, Sale: "s1", N: 1},
			{Kind: KindReserve, Sale: "s1", User: "u1", N: 2, TTL: time.Minute}, {Kind: KindRelease, Sale: "s1", User: "u1"},
			{Kind: KindJoin, Sale: "s1", User: "u2"}, {Kind: KindPosition, Sale: "s1", User: "u2"},
			{Kind: KindAdmit, Sale: "s1", N: 1}, {Kind: KindLeave, Sale: "s1", User: "u3"},
		} {
			if _, err := c.Do(ctx, r); err != nil {
				t.Fatalf("%s: %v", r.Kind, err)
			}
		}
		if errs := rdb.Info(ctx, "errorstats").Val(); strings.Contains(errs, "errorstat_") {
			t.Errorf("flashtop's own operations made errors: %q", errs)
		}
	})
}
