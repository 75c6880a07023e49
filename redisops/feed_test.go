package redisops

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"flashtop/redisops/redistest"
)

// feedPoller is a poller on srv, built from o, with a tracker listening to
// its hold index (as the dashboard's leak watch does).
func feedPoller(t *testing.T, srv *redistest.Server, o Options) (*Poller, *Tracker) {
	t.Helper()
	c := newClientOn(t, srv, o)
	p := NewPoller(c, PollerOptions{})
	t.Cleanup(func() { _ = p.Close() })
	tr := NewTracker(0)
	p.SetHoldObserver(tr)
	return p, tr
}

// tickFor ticks p every interval until ok (or fails after limit).
func tickFor(t *testing.T, p *Poller, what string, limit, interval time.Duration, ok func(*Snapshot) bool) *Snapshot {
	t.Helper()
	end := time.Now().Add(limit)
	for {
		snap, err := p.Snapshot(context.Background(), SnapshotOptions{Sale: "other"})
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

func feedIs(state string) func(*Snapshot) bool {
	return func(s *Snapshot) bool { return s.Feed != nil && s.Feed.State == state }
}

// writeHold writes a backend-style Lua-path hold (redistest.WriteHold).
func writeHold(t *testing.T, rdb *redis.Client, sale, user string, qty int64, ttl time.Duration) time.Time {
	t.Helper()
	return redistest.WriteHold(t, rdb, sale, user, qty, ttl, false)
}

// outcomeCase is one hold of the outcome test: released this long before
// its deadline, or (release 0) left to expire.
type outcomeCase struct {
	user    string
	release time.Duration
}

var outcomeCases = []outcomeCase{
	{"r600", 600 * time.Millisecond}, {"r300", 300 * time.Millisecond}, {"r150", 150 * time.Millisecond},
	{"r80", 80 * time.Millisecond}, {"r40", 40 * time.Millisecond}, {"exp1", 0}, {"exp2", 0},
}

// runOutcomes writes the cases' holds on sale s1 (TTL 1.5 s), releases each
// by another client (DEL) its release before the deadline, while ticking the
// poller once a second as the dashboard does, and returns the leaks drained
// once every hold has ended.
func runOutcomes(t *testing.T, p *Poller, tr *Tracker, rdb *redis.Client) []Leak {
	t.Helper()
	ctx := context.Background()
	deadlines := map[string]time.Time{}
	rdb.Set(ctx, "inventory:s1", 100, 0)
	for _, c := range outcomeCases {
		deadlines[c.user] = writeHold(t, rdb, "s1", c.user, 2, 1500*time.Millisecond)
	}
	tickFor(t, p, "the holds are counted", 3*time.Second, 50*time.Millisecond, func(s *Snapshot) bool {
		n, _ := saleHolds(s, "s1")
		return n == int64(len(outcomeCases))
	})
	var wg sync.WaitGroup
	late := make(chan string, len(outcomeCases))
	for _, c := range outcomeCases {
		if c.release == 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Until(deadlines[c.user].Add(-c.release)))
			if n, _ := rdb.Del(ctx, DefaultSchema().HoldKey(c.user, "s1")).Result(); n != 1 {
				late <- c.user // the release came after the deadline: the test, not flashtop, was late
			}
		}()
	}
	last := time.Time{}
	for _, d := range deadlines {
		last = maxTime(last, d)
	}
	for time.Now().Before(last.Add(1500 * time.Millisecond)) {
		if _, err := p.Snapshot(ctx, SnapshotOptions{Sale: "other"}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Second)
	}
	wg.Wait()
	close(late)
	for u := range late {
		t.Fatalf("the release of %s came after its deadline (machine too slow): rerun", u)
	}
	tickFor(t, p, "every hold ended", 5*time.Second, 100*time.Millisecond, func(s *Snapshot) bool {
		n, _ := saleHolds(s, "s1")
		return n <= 0 && tr.Tracked() == 0
	})
	leaks := tr.Drain()
	slices.SortFunc(leaks, func(a, b Leak) int { return strings.Compare(a.User, b.User) })
	return leaks
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func leakUsers(leaks []Leak) string {
	var out []string
	for _, l := range leaks {
		out = append(out, l.User+":"+l.Class)
	}
	return strings.Join(out, " ")
}

// TestFeedOutcomes: with the push feed live, holds released by another
// client 600, 300, 150, 80 and 40 ms before their deadlines are not leaks,
// and the ones left to expire are verified leaks — with keyspace events off
// (the backend's default) and on.
func TestFeedOutcomes(t *testing.T) {
	for _, events := range []string{"", "Kgx$he"} {
		t.Run("events="+events, func(t *testing.T) {
			var srv *redistest.Server
			if events == "" {
				srv = redistest.Start(t)
			} else {
				srv = redistest.Start(t, "--notify-keyspace-events", events)
			}
			before, err := srv.Client(t).ConfigGet(context.Background(), "notify-keyspace-events").Result()
			if err != nil {
				t.Fatal(err)
			}
			p, tr := feedPoller(t, srv, Options{})
			tickFor(t, p, "the feed is live", 5*time.Second, 50*time.Millisecond, feedIs(FeedLive))
			leaks := runOutcomes(t, p, tr, srv.Client(t))
			for _, l := range leaks {
				t.Logf("leak %s %s at %s deadline %s (%s)", l.User, l.Class, l.At.Format("15:04:05.000"), l.Deadline.Format("15:04:05.000"), l.At.Sub(l.Deadline))
			}
			if got, want := leakUsers(leaks), "exp1:verified exp2:verified"; got != want {
				t.Fatalf("leaks %q, want %q", got, want)
			}
			after, err := srv.Client(t).ConfigGet(context.Background(), "notify-keyspace-events").Result()
			if err != nil || after["notify-keyspace-events"] != before["notify-keyspace-events"] {
				t.Fatalf("notify-keyspace-events is %q (%v), was %q: flashtop changed server config", after, err, before)
			}
		})
	}
}

// TestFeedRefusedByACL: a user without client|tracking gets no feed: the
// walk alone keeps the counts, the status says why, and the same ends are
// unverified (never verified) leaks.
func TestFeedRefusedByACL(t *testing.T) {
	srv := redistest.Start(t)
	admin := srv.Client(t)
	ctx := context.Background()
	if err := admin.Do(ctx, "ACL", "SETUSER", "blind", "on", ">pw", "~*", "&*", "+@all", "-client|tracking").Err(); err != nil {
		t.Fatal(err)
	}
	p, tr := feedPoller(t, srv, Options{Username: "blind", Password: "pw"})
	snap := tickFor(t, p, "the feed is off", 5*time.Second, 50*time.Millisecond, feedIs(FeedOff))
	if !strings.Contains(snap.Feed.Reason, "ACL refused") || !strings.Contains(snap.Feed.Reason, "NOPERM") {
		t.Fatalf("reason %q, want the ACL refusal named", snap.Feed.Reason)
	}
	leaks := runOutcomes(t, p, tr, admin)
	for _, l := range leaks {
		if l.Class != LeakUnverified {
			t.Errorf("leak %s is %s without a feed, want unverified", l.User, l.Class)
		}
	}
	if got := leakUsers(leaks); !strings.Contains(got, "exp1:unverified") || !strings.Contains(got, "exp2:unverified") {
		t.Fatalf("leaks %q: the expired holds are missing", got)
	}
}

// TestFeedCountsNewHoldsWithinATick: holds written by another client (500
// at once, then one script writing 2,000) count at the next tick, long
// before any walk could find them (the walk cannot move: its clock stands
// still after the first pass).
func TestFeedCountsNewHoldsWithinATick(t *testing.T) {
	srv := redistest.Start(t)
	c := newClientOn(t, srv, Options{})
	clock := newFakeClock()
	p := NewPoller(c, PollerOptions{Now: clock.now})
	defer p.Close()
	rdb := srv.Client(t)
	ctx := context.Background()
	rdb.Set(ctx, "inventory:s1", 100, 0)
	tickFor(t, p, "live", 5*time.Second, 20*time.Millisecond, feedIs(FeedLive))
	redistest.WriteHolds(t, rdb, "s1", "u", 500, 2)
	lua := `for i = 1, 2000 do local k = 'reservation:l' .. i .. ':s1'
	  redis.call('HSET', k, 'quantity', 1, 'reserved_at', 1770000000, 'user_id', 'l' .. i)
	  redis.call('EXPIRE', k, 300) end return 1`
	check := func(what string, holds, units int64) {
		t.Helper()
		var snap *Snapshot
		for range 3 { // the pushes may still be on the wire at the first tick
			s, err := p.Snapshot(ctx, SnapshotOptions{Sale: "other"})
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
	srv := redistest.Start(t)
	p, _ := feedPoller(t, srv, Options{})
	rdb := srv.Client(t)
	rdb.Set(context.Background(), "inventory:s1", 100, 0)
	tickFor(t, p, "live", 5*time.Second, 20*time.Millisecond, feedIs(FeedLive))
	writeHold(t, rdb, "s1", "dup", 3, 300*time.Second)
	tickFor(t, p, "counted", 3*time.Second, 20*time.Millisecond, func(s *Snapshot) bool { n, _ := saleHolds(s, "s1"); return n == 1 })
	time.Sleep(1100 * time.Millisecond) // the second reserve's TTL ends later
	writeHold(t, rdb, "s1", "dup", 2, 300*time.Second)
	snap := tickFor(t, p, "hold_replaced", 3*time.Second, 20*time.Millisecond, func(s *Snapshot) bool {
		return slices.ContainsFunc(s.Anomalies, func(a Anomaly) bool { return a.Kind == AnomalyHoldReplaced })
	})
	i := slices.IndexFunc(snap.Anomalies, func(a Anomaly) bool { return a.Kind == AnomalyHoldReplaced })
	a := snap.Anomalies[i]
	if a.Key != "reservation:dup:s1" || !strings.Contains(a.Detail, "quantity 3 → 2") || !strings.Contains(a.Detail, "3 units possibly orphaned") {
		t.Fatalf("anomaly %+v", a)
	}
}

// TestFeedRecoversFromClientKill: killing the feed's connections is a gap:
// the feed re-arms, the counts are not live until a repair walk has passed,
// then live again, and a hold written after the kill counts.
func TestFeedRecoversFromClientKill(t *testing.T) {
	srv := redistest.Start(t)
	p, _ := feedPoller(t, srv, Options{})
	rdb := srv.Client(t)
	ctx := context.Background()
	rdb.Set(ctx, "inventory:s1", 100, 0)
	live := tickFor(t, p, "live", 5*time.Second, 20*time.Millisecond, feedIs(FeedLive))
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
		snap := tickFor(t, p, "the gap is seen", 3*time.Second, 20*time.Millisecond, func(s *Snapshot) bool {
			return s.Feed.Gaps > live.Feed.Gaps
		})
		t.Logf("after killing %s: %s (%s), %d gaps", name, snap.Feed.State, snap.Feed.Reason, snap.Feed.Gaps)
		snap = tickFor(t, p, "live again", 10*time.Second, 20*time.Millisecond, feedIs(FeedLive))
		if snap.Cost.WalksDone <= live.Cost.WalksDone {
			t.Fatalf("live again after %d walks, as many as before the gap: no repair walk", snap.Cost.WalksDone)
		}
		live = snap
		user := "after-" + name
		writeHold(t, rdb, "s1", user, 1, 300*time.Second)
		tickFor(t, p, "the new hold counts", 3*time.Second, 20*time.Millisecond, func(s *Snapshot) bool {
			n, _ := saleHolds(s, "s1")
			return n >= 1 && p.idx.shape(DefaultSchema().HoldKey(user, "s1")) != ""
		})
	}
}

// TestFeedOverTLS: the feed's own connections dial like the client (TLS with
// a client certificate here) and go live.
func TestFeedOverTLS(t *testing.T) {
	srv, certs := redistest.StartTLS(t, true)
	c, err := New(Options{URL: srv.TLSURL(), TLSCA: certs.CA, TLSCert: certs.ClientCert, TLSKey: certs.ClientKey})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	p := NewPoller(c, PollerOptions{})
	defer p.Close()
	tickFor(t, p, "live over TLS", 5*time.Second, 50*time.Millisecond, feedIs(FeedLive))
}

// TestFeedFollowsMasters: the feed is synced with the master list at every
// tick: a master that joins later gets its feed (and its pushes count), one
// that leaves loses it.
func TestFeedFollowsMasters(t *testing.T) {
	a, b := redistest.Start(t), redistest.Start(t)
	p, _ := feedPoller(t, a, Options{})
	ctx := context.Background()
	nodeOf := func(srv *redistest.Server) pnode {
		return pnode{addr: srv.Addr(), cl: srv.Client(t)}
	}
	acct := &tickCost{}
	p.feed.tick(ctx, []pnode{nodeOf(a)}, acct)
	if st := p.feed.state(1); st.state != FeedLive || st.armed != 1 {
		t.Fatalf("one master: %+v", st)
	}
	p.feed.tick(ctx, []pnode{nodeOf(a), nodeOf(b)}, acct)
	if st := p.feed.state(2); st.state != FeedLive || st.armed != 2 {
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
