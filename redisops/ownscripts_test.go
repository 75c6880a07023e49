package redisops

import (
	"context"
	"strings"
	"testing"
	"time"

	"flashtop/redisops/redistest"
	"flashtop/scripts"
)

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

// TestOddScriptLoadReplyChangesNothing: a server (a proxy) that answers
// SCRIPT LOAD with something other than the SHA1 ("+OK" here) does not
// change the script flashtop runs everywhere else (go-redis's Script.Load
// would have made its SHA1 "OK" for every later call, on every server).
func TestOddScriptLoadReplyChangesNothing(t *testing.T) {
	want := scripts.Release.Hash()
	b := redistest.StartBroken(t, redistest.DropOnScript)
	c, err := New(Options{URL: b.URL()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, _ = c.Do(context.Background(), Request{Kind: KindRelease, Sale: "s1", User: "u1"}) // dropped: outcome unknown
	if got := scripts.Release.Hash(); got != want {
		t.Fatalf("the release script's SHA1 became %q (was %s)", got, want)
	}
}
