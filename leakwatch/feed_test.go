package leakwatch

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"flashtop/redisops"
	"flashtop/redisops/read"
	"flashtop/redisops/redistest"
)

// The outcomes of hold ends as the dashboard sees them: the poller's push
// feed and hold index tell a Tracker, which classifies. The helpers are
// copies of redisops' feed test helpers (redisops' tests cannot share code
// with another package's).

// feedPoller is a poller on srv, built from o, with a tracker listening to
// its hold index, as the dashboard's leak watch does (internal/cli/cmd_leakwatch.go).
func feedPoller(t *testing.T, srv *redistest.Server, o redisops.Options) (*read.Poller, *Tracker) {
	t.Helper()
	c := newClient(t, srv, o)
	p := read.NewPoller(c, read.PollerOptions{})
	t.Cleanup(func() { _ = p.Close() })
	tr := NewTracker(0)
	p.SetHoldObserver(tr)
	return p, tr
}

// tickFor ticks p every interval until ok (or fails after limit).
func tickFor(t *testing.T, p *read.Poller, what string, limit, interval time.Duration, ok func(*redisops.Snapshot) bool) *redisops.Snapshot {
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

// saleHolds is the holds and units of sale's row (-1, -1: no row).
func saleHolds(snap *redisops.Snapshot, sale string) (int64, int64) {
	for _, s := range snap.Sales {
		if s.ID == sale {
			return s.Reservations, s.ReservedUnits
		}
	}
	return -1, -1
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
func runOutcomes(t *testing.T, p *read.Poller, tr *Tracker, rdb *redis.Client) []redisops.Leak {
	t.Helper()
	ctx := context.Background()
	deadlines := map[string]time.Time{}
	rdb.Set(ctx, "inventory:s1", 100, 0)
	for _, c := range outcomeCases {
		deadlines[c.user] = writeHold(t, rdb, "s1", c.user, 2, 1500*time.Millisecond)
	}
	tickFor(t, p, "the holds are counted", 3*time.Second, 50*time.Millisecond, func(s *redisops.Snapshot) bool {
		n, _ := saleHolds(s, "s1")
		return n == int64(len(outcomeCases))
	})
	var wg sync.WaitGroup
	late := make(chan string, len(outcomeCases))
	for _, c := range outcomeCases {
		if c.release == 0 { // expired by a touch 50 ms after the deadline (the server's active expiry is off)
			wg.Add(1)
			go func() {
				defer wg.Done()
				redistest.ExpireAt(rdb, redisops.DefaultSchema().HoldKey(c.user, "s1"), deadlines[c.user].Add(50*time.Millisecond))
			}()
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Until(deadlines[c.user].Add(-c.release)))
			if n, _ := rdb.Del(ctx, redisops.DefaultSchema().HoldKey(c.user, "s1")).Result(); n != 1 {
				late <- c.user // the release came after the deadline: the test, not flashtop, was late
			}
		}()
	}
	last := time.Time{}
	for _, d := range deadlines {
		last = maxTime(last, d)
	}
	for time.Now().Before(last.Add(1500 * time.Millisecond)) {
		if _, err := p.Snapshot(ctx, redisops.SnapshotOptions{Sale: "other"}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Second)
	}
	wg.Wait()
	close(late)
	for u := range late {
		t.Fatalf("the release of %s came after its deadline (machine too slow): rerun", u)
	}
	tickFor(t, p, "every hold ended", 5*time.Second, 100*time.Millisecond, func(s *redisops.Snapshot) bool {
		n, _ := saleHolds(s, "s1")
		return n <= 0 && tr.Tracked() == 0
	})
	leaks := tr.Drain()
	slices.SortFunc(leaks, func(a, b redisops.Leak) int { return strings.Compare(a.User, b.User) })
	return leaks
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func leakUsers(leaks []redisops.Leak) string {
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
	redistest.EachKind(t, testFeedOutcomes)
}

func testFeedOutcomes(t *testing.T, k redistest.Kind) {
	for _, events := range []string{"", "Kgx$he"} {
		t.Run("events="+events, func(t *testing.T) {
			srv := k.StartLazyExpiry(t, redistest.EventsArgs(events)...)
			before, err := srv.Client(t).ConfigGet(context.Background(), "notify-keyspace-events").Result()
			if err != nil {
				t.Fatal(err)
			}
			p, tr := feedPoller(t, srv, redisops.Options{})
			tickFor(t, p, "the feed is live", 5*time.Second, 50*time.Millisecond, feedIs(redisops.FeedLive))
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
	redistest.EachKind(t, testFeedRefusedByACL)
}

func testFeedRefusedByACL(t *testing.T, k redistest.Kind) {
	srv := k.Start(t)
	admin := srv.Client(t)
	ctx := context.Background()
	if err := admin.Do(ctx, "ACL", "SETUSER", "blind", "on", ">pw", "~*", "&*", "+@all", "-client|tracking").Err(); err != nil {
		t.Fatal(err)
	}
	p, tr := feedPoller(t, srv, redisops.Options{Username: "blind", Password: "pw"})
	snap := tickFor(t, p, "the feed is off", 5*time.Second, 50*time.Millisecond, feedIs(redisops.FeedOff))
	if !strings.Contains(snap.Feed.Reason, "ACL refused") || !strings.Contains(snap.Feed.Reason, "NOPERM") {
		t.Fatalf("reason %q, want the ACL refusal named", snap.Feed.Reason)
	}
	leaks := runOutcomes(t, p, tr, admin)
	for _, l := range leaks {
		if l.Class != redisops.LeakUnverified {
			t.Errorf("leak %s is %s without a feed, want unverified", l.User, l.Class)
		}
	}
	if got := leakUsers(leaks); !strings.Contains(got, "exp1:unverified") || !strings.Contains(got, "exp2:unverified") {
		t.Fatalf("leaks %q: the expired holds are missing", got)
	}
}
