package read

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"flashtop/redisops"
	"flashtop/redisops/redistest"
)

// feedPoller is a poller on srv, built from o, with an observer listening
// to its hold index (as the dashboard's leak watch does; the outcomes of
// hold ends are leakwatch's tests).
func feedPoller(t *testing.T, srv *redistest.Server, o redisops.Options) *Poller {
	t.Helper()
	c := newClientOn(t, srv, o)
	p := NewPoller(c, PollerOptions{})
	t.Cleanup(func() { _ = p.Close() })
	p.SetHoldObserver(&recordObserver{})
	return p
}

// tickFor ticks p every interval until ok (or fails after limit).
func tickFor(t *testing.T, p *Poller, what string, limit, interval time.Duration, ok func(*redisops.Snapshot) bool) *redisops.Snapshot {
	t.Helper()
	end := time.Now().Add(limit)
	for {
		snap, err := p.Snapshot(context.Background(), redisops.SnapshotOptions{Sale: "other"})
		if err != nil {
			t.Fatal(err)
		}
		if ok(snap) {
			return snap
		}
		if time.Now().After(end) {
			t.Fatalf("%s: not within %s (feed %+v)", what, limit, snap.Feed)
		}
		time.Sleep(interval)
	}
}

func feedIs(state string) func(*redisops.Snapshot) bool {
	return func(s *redisops.Snapshot) bool { return s.Feed != nil && s.Feed.State == state }
}

// writeHold writes a backend-style Lua-path hold (redistest.WriteHold).
func writeHold(t *testing.T, rdb *redis.Client, sale, user string, qty int64, ttl time.Duration) time.Time {
	t.Helper()
	return redistest.WriteHold(t, rdb, sale, user, qty, ttl, false)
}

// TestFeedCountsNewHoldsWithinATick: holds written by another client (500
// at once, then one script writing 2,000) count at the next tick, long
// before any walk could find them (the walk cannot move: its clock stands
// still after the first pass).
func TestFeedCountsNewHoldsWithinATick(t *testing.T) {
	redistest.EachKind(t, testFeedCountsNewHoldsWithinATick)
}

func testFeedCountsNewHoldsWithinATick(t *testing.T, k redistest.Kind) {
	srv := k.Start(t)
	c := newClientOn(t, srv, redisops.Options{})
	clock := newFakeClock()
	p := NewPoller(c, PollerOptions{Now: clock.now})
	defer p.Close()
	rdb := srv.Client(t)
	ctx := context.Background()
	rdb.Set(ctx, "inventory:s1", 100, 0)
	tickFor(t, p, "live", 5*time.Second, 20*time.Millisecond, feedIs(redisops.FeedLive))
	redistest.WriteHolds(t, rdb, "s1", "u", 500, 2)
	lua := `for i = 1, 2000 do local k = 'reservation:l' .. i .. ':s1'
	  redis.call('HSET', k, 'quantity', 1, 'reserved_at', 1770000000, 'user_id', 'l' .. i)
	  redis.call('EXPIRE', k, 300) end return 1`
	check := func(what string, holds, units int64) {
		t.Helper()
		var snap *redisops.Snapshot
		for range 3 { // the pushes may still be on the wire at the first tick
			s, err := p.Snapshot(ctx, redisops.SnapshotOptions{Sale: "other"})
			if err != nil {
				t.Fatal(err)
			}
			if snap = s; s.Cost.ScanProgress != 0 {
				t.Fatalf("the walk moved: the test proves nothing")
			}
			if n, u := saleHolds(s, "s1"); n == holds && u == units {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
		n, u := saleHolds(snap, "s1")
		t.Fatalf("%s: %d holds, %d units; want %d, %d", what, n, u, holds, units)
	}
	check("500 pipelined holds", 500, 1000)
	if err := rdb.Eval(ctx, lua, nil).Err(); err != nil {
		t.Fatal(err)
	}
	check("2,000 holds from one script", 2500, 3000)
	pipe := rdb.Pipeline()
	for i := range 500 {
		pipe.Del(ctx, fmt.Sprintf("reservation:u%d:s1", i))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	check("500 deleted", 2000, 2000)
}

// TestFeedHoldReplaced: the backend's double reserve (same user and sale,
// the hold overwritten with a new quantity and TTL before its deadline)
// raises hold_replaced naming the key and the old quantity.
func TestFeedHoldReplaced(t *testing.T) {
	redistest.EachKind(t, testFeedHoldReplaced)
}

func testFeedHoldReplaced(t *testing.T, k redistest.Kind) {
	srv := k.Start(t)
	p := feedPoller(t, srv, redisops.Options{})
	rdb := srv.Client(t)
	rdb.Set(context.Background(), "inventory:s1", 100, 0)
	tickFor(t, p, "live", 5*time.Second, 20*time.Millisecond, feedIs(redisops.FeedLive))
	writeHold(t, rdb, "s1", "dup", 3, 300*time.Second)
	tickFor(t, p, "counted", 3*time.Second, 20*time.Millisecond, func(s *redisops.Snapshot) bool { n, _ := saleHolds(s, "s1"); return n == 1 })
	time.Sleep(1100 * time.Millisecond) // the second reserve's TTL ends later
	writeHold(t, rdb, "s1", "dup", 2, 300*time.Second)
	snap := tickFor(t, p, "hold_replaced", 3*time.Second, 20*time.Millisecond, func(s *redisops.Snapshot) bool {
		return slices.ContainsFunc(s.Anomalies, func(a redisops.Anomaly) bool { return a.Kind == redisops.AnomalyHoldReplaced })
	})
	i := slices.IndexFunc(snap.Anomalies, func(a redisops.Anomaly) bool { return a.Kind == redisops.AnomalyHoldReplaced })
	a := snap.Anomalies[i]
	if a.Key != "reservation:dup:s1" || !strings.Contains(a.Detail, "quantity 3 → 2") || !strings.Contains(a.Detail, "3 units possibly orphaned") {
		t.Fatalf("anomaly %+v", a)
	}
}

// TestFeedRecoversFromClientKill: killing the feed's connections is a gap:
// the feed re-arms, the counts are not live until a repair walk has passed,
// then live again, and a hold written after the kill counts.
func TestFeedRecoversFromClientKill(t *testing.T) {
	redistest.EachKind(t, testFeedRecoversFromClientKill)
}

func testFeedRecoversFromClientKill(t *testing.T, k redistest.Kind) {
	srv := k.Start(t)
	p := feedPoller(t, srv, redisops.Options{})
	rdb := srv.Client(t)
	ctx := context.Background()
	rdb.Set(ctx, "inventory:s1", 100, 0)
	live := tickFor(t, p, "live", 5*time.Second, 20*time.Millisecond, feedIs(redisops.FeedLive))
	for _, name := range []string{feedSubName, feedTrackName} {
		list, err := rdb.ClientList(ctx).Result()
		if err != nil {
			t.Fatal(err)
		}
		killed := false
		for _, line := range strings.Split(list, "\n") {
			if strings.Contains(line, " name="+name+" ") {
				id := strings.TrimPrefix(strings.Fields(line)[0], "id=")
				killed = rdb.Do(ctx, "CLIENT", "KILL", "ID", id).Err() == nil
			}
		}
		if !killed {
			t.Fatalf("no connection named %s to kill", name)
		}
		// On a small keyspace the repair walk passes within the tick that
		// re-arms the feed: the gap shows in the count of gaps and walks.
		snap := tickFor(t, p, "the gap is seen", 3*time.Second, 20*time.Millisecond, func(s *redisops.Snapshot) bool {
			return s.Feed.Gaps > live.Feed.Gaps
		})
		t.Logf("after killing %s: %s (%s), %d gaps", name, snap.Feed.State, snap.Feed.Reason, snap.Feed.Gaps)
		snap = tickFor(t, p, "live again", 10*time.Second, 20*time.Millisecond, feedIs(redisops.FeedLive))
		if snap.Cost.WalksDone <= live.Cost.WalksDone {
			t.Fatalf("live again after %d walks, as many as before the gap: no repair walk", snap.Cost.WalksDone)
		}
		live = snap
		user := "after-" + name
		writeHold(t, rdb, "s1", user, 1, 300*time.Second)
		tickFor(t, p, "the new hold counts", 3*time.Second, 20*time.Millisecond, func(s *redisops.Snapshot) bool {
			n, _ := saleHolds(s, "s1")
			return n >= 1 && p.idx.shape(redisops.DefaultSchema().HoldKey(user, "s1")) != ""
		})
	}
}

// TestFeedOverTLS: the feed's own connections dial like the client (TLS with
// a client certificate here) and go live.
func TestFeedOverTLS(t *testing.T) {
	redistest.EachKind(t, testFeedOverTLS)
}

func testFeedOverTLS(t *testing.T, k redistest.Kind) {
	srv, certs := k.StartTLS(t, true)
	c, err := redisops.New(redisops.Options{URL: srv.TLSURL(), TLSCA: certs.CA, TLSCert: certs.ClientCert, TLSKey: certs.ClientKey})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	p := NewPoller(c, PollerOptions{})
	defer p.Close()
	tickFor(t, p, "live over TLS", 5*time.Second, 50*time.Millisecond, feedIs(redisops.FeedLive))
}

// TestFeedFollowsMasters: the feed is synced with the master list at every
// tick: a master that joins later gets its feed (and its pushes count), one
// that leaves loses it.
func TestFeedFollowsMasters(t *testing.T) {
	redistest.EachKind(t, testFeedFollowsMasters)
}

func testFeedFollowsMasters(t *testing.T, k redistest.Kind) {
	a, b := k.Start(t), k.Start(t)
	p := feedPoller(t, a, redisops.Options{})
	ctx := context.Background()
	nodeOf := func(srv *redistest.Server) pnode {
		return pnode{addr: srv.Addr(), cl: srv.Client(t)}
	}
	acct := &tickCost{}
	p.feed.tick(ctx, []pnode{nodeOf(a)}, acct)
	if st := p.feed.state(1); st.state != redisops.FeedLive || st.armed != 1 {
		t.Fatalf("one master: %+v", st)
	}
	p.feed.tick(ctx, []pnode{nodeOf(a), nodeOf(b)}, acct)
	if st := p.feed.state(2); st.state != redisops.FeedLive || st.armed != 2 {
		t.Fatalf("a master joined: %+v", st)
	}
	key := "reservation:late:s9"
	if err := b.Client(t).HSet(ctx, key, "quantity", 1).Err(); err != nil {
		t.Fatal(err)
	}
	for i := 0; p.idx.dirtyLen() == 0; i++ {
		if i > 100 {
			t.Fatal("the joined master's push never came")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got := p.idx.takeDirty(10); len(got) != 1 || got[0].key != key || !got[0].mark.pushed {
		t.Fatalf("dirty %+v, want the joined master's pushed key", got)
	}
	p.feed.tick(ctx, []pnode{nodeOf(b)}, acct)
	if st := p.feed.state(1); st.armed != 1 {
		t.Fatalf("a master left: %+v", st)
	}
}

// TestFeedPushedJSONHolds: a pushed key of a sale with no known holds is read
// as a hash first (two commands: the common case of a burst); the order
// path's JSON strings answer WRONGTYPE and are read again typeless at the
// next tick, then count with their quantities.
func TestFeedPushedJSONHolds(t *testing.T) {
	redistest.EachKind(t, testFeedPushedJSONHolds)
}

func testFeedPushedJSONHolds(t *testing.T, k redistest.Kind) {
	srv := k.Start(t)
	c := newClientOn(t, srv, redisops.Options{})
	p := NewPoller(c, PollerOptions{Now: newFakeClock().now})
	defer p.Close()
	rdb := srv.Client(t)
	ctx := context.Background()
	rdb.Set(ctx, "inventory:s1", 100, 0)
	tickFor(t, p, "live", 5*time.Second, 20*time.Millisecond, feedIs(redisops.FeedLive))
	for i := range 10 {
		v := fmt.Sprintf(`{"saleId":"s1","userId":"j%d","quantity":3,"expiresAt":%d}`, i, time.Now().Add(300*time.Second).UnixMilli())
		rdb.Set(ctx, fmt.Sprintf("reservation:j%d:s1", i), v, 300*time.Second)
	}
	snap := tickFor(t, p, "the JSON holds count", 3*time.Second, 20*time.Millisecond, func(s *redisops.Snapshot) bool {
		n, u := saleHolds(s, "s1")
		return n == 10 && u == 30
	})
	if snap.Cost.ScanProgress != 0 {
		t.Fatal("the walk moved: the test proves nothing")
	}
	if got := p.idx.shape("reservation:j0:s1"); got != redisops.HoldShapeJSON {
		t.Fatalf("shape %q, want json", got)
	}
}
