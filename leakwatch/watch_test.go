package leakwatch

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"flashtop/redisops"
	"flashtop/redisops/read"
	"flashtop/redisops/redistest"
)

// reserveJSON writes the order path's JSON hold with SETEX.
func reserveJSON(t *testing.T, c *redisops.Client, sale, user string, qty int64, ttl time.Duration) {
	t.Helper()
	exp := time.Now().Add(300 * time.Second).UnixMilli()
	v := fmt.Sprintf(`{"saleId":%q,"userId":%q,"quantity":%d,"expiresAt":%d}`, sale, user, qty, exp)
	if err := c.Redis().Set(context.Background(), c.Schema().HoldKey(user, sale), v, ttl).Err(); err != nil {
		t.Fatal(err)
	}
}

// watchUntilGone polls snapshots into w until no hold is left in Redis and
// the tracker remembers none (bounded: it fails after 40 polls).
func watchUntilGone(t *testing.T, c *redisops.Client, ws ...Watch) []redisops.WatchedLeak {
	t.Helper()
	ctx := context.Background()
	var out []redisops.WatchedLeak
	for range 40 {
		snap, err := read.Full(ctx, c, redisops.SnapshotOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range ws {
			got, err := w.Feed(ctx, snap)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, got...)
		}
		if len(snap.Reservations) == 0 && ws[0].Tracker.Tracked() == 0 {
			return out
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatal("holds still present after 40 polls")
	return nil
}

// TestLeaksOnRealRedis: 2-second holds of both shapes that expire are
// counted per sale; holds released or deleted before their deadline are not.
// Full snapshots only find ends after the fact: the leaks are unverified.
func TestLeaksOnRealRedis(t *testing.T) {
	c := newClient(t, redistest.Start(t), redisops.Options{})
	ctx := context.Background()
	rdb := c.Redis()
	rdb.Set(ctx, "inventory:s1", "100", 0)
	rdb.Set(ctx, "inventory:s2", "100", 0)
	ttl := 2 * time.Second
	for _, r := range []struct {
		sale, user string
		qty        int64
	}{{"s1", "exp", 3}, {"s1", "rel", 4}, {"s2", "exp", 1}, {"s2", "del", 6}} {
		if res, err := c.Reserve(ctx, r.sale, r.user, r.qty, ttl); err != nil || res.Status != redisops.StatusReserved {
			t.Fatalf("reserve: %+v %v", res, err)
		}
	}
	reserveJSON(t, c, "s1", "jexp", 2, ttl)
	reserveJSON(t, c, "s2", "jrel", 5, ttl)
	w := Watch{Tracker: NewTracker(redisops.DefaultLeakSkew), Ledger: NewMemLedger()}
	snap, err := read.Full(ctx, c, redisops.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Feed(ctx, snap); err != nil || w.Tracker.Tracked() != 6 {
		t.Fatalf("tracked %d after the first poll (%v), want 6", w.Tracker.Tracked(), err)
	}
	for _, u := range []string{"rel", "jrel"} {
		sale := map[string]string{"rel": "s1", "jrel": "s2"}[u]
		if res, err := c.Release(ctx, sale, u, nil); err != nil || res.Status != redisops.StatusReleased {
			t.Fatalf("release %s: %+v %v", u, res, err)
		}
	}
	rdb.Del(ctx, "reservation:del:s2")
	// The next poll comes a second later, as the dashboard's would: the
	// releases are noticed late, yet well before the deadlines.
	time.Sleep(time.Second)
	leaks := watchUntilGone(t, c, w)
	got := map[string]int64{}
	for _, l := range leaks {
		got[l.Key] = l.Quantity
	}
	want := map[string]int64{"reservation:exp:s1": 3, "reservation:jexp:s1": 2, "reservation:exp:s2": 1}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("leaks %v, want %v", got, want)
	}
	tot := w.Tracker.Totals()
	if tot["s1"] != (redisops.LeakTotals{Units: 5, Holds: 2, UnverifiedUnits: 5, UnverifiedHolds: 2}) ||
		tot["s2"] != (redisops.LeakTotals{Units: 1, Holds: 1, UnverifiedUnits: 1, UnverifiedHolds: 1}) {
		t.Fatalf("totals %v", tot)
	}
	snap, _ = read.Full(ctx, c, redisops.SnapshotOptions{})
	if err := w.FillLeaks(ctx, snap); err != nil {
		t.Fatal(err)
	}
	for _, row := range snap.Sales {
		if row.LeakedUnits != tot[row.ID].Units || row.LeakedHolds != tot[row.ID].Holds {
			t.Errorf("row %s: leaked %d/%d, want %+v", row.ID, row.LeakedUnits, row.LeakedHolds, tot[row.ID])
		}
	}
}

// TestTwoWatchersRecordALeakOnce: two flashtop instances watch the same
// server with the Redis ledger; each leak is recorded once, then reclaimed
// exactly once.
func TestTwoWatchersRecordALeakOnce(t *testing.T) {
	srv := redistest.Start(t)
	c1, c2 := newClient(t, srv, redisops.Options{}), newClient(t, srv, redisops.Options{})
	ctx := context.Background()
	c1.Redis().Set(ctx, "inventory:s1", "10", 0)
	if _, err := c1.Reserve(ctx, "s1", "u1", 3, 2*time.Second); err != nil {
		t.Fatal(err)
	}
	reserveJSON(t, c1, "s1", "u2", 2, 2*time.Second)
	w1 := Watch{Tracker: NewTracker(0), Ledger: c1}
	w2 := Watch{Tracker: NewTracker(0), Ledger: c2}
	leaks := watchUntilGone(t, c1, w1, w2)
	recorded, seen := 0, 0
	for _, l := range leaks {
		seen++
		if l.Recorded {
			recorded++
		}
	}
	if seen != 4 || recorded != 2 {
		t.Fatalf("watchers saw %d leaks and recorded %d, want 4 and 2", seen, recorded)
	}
	tot, err := c2.LedgerTotals(ctx, []string{"s1"})
	if err != nil || tot["s1"].Units != 5 || tot["s1"].Holds != 2 { // of any class: this test is about "once"
		t.Fatalf("ledger %+v %v", tot, err)
	}
	r, err := c2.Reclaim(ctx, "s1", nil, true) // every class, for the same reason
	if err != nil || *r.Units != 5 || *r.Stock != 12 {
		t.Fatalf("reclaim %+v %v (stock 10, less 3 reserved, plus 5 reclaimed: 12)", r, err)
	}
}

// TestFeedSkipsRefusedLeaks: a leak the ledger refuses as input (past
// the scripts' limit: ErrInput before anything is sent) is skipped, not
// retried ahead of every later leak.
func TestFeedSkipsRefusedLeaks(t *testing.T) {
	c := newClient(t, redistest.Start(t), redisops.Options{})
	tr := NewTracker(0)
	tr.pending = []redisops.Leak{testLeak(redisops.LeakVerified, "big", "u2", "1", 1_000_000_000_000_000),
		testLeak(redisops.LeakVerified, "big", "u3", "1", 2)}
	got, err := Watch{Tracker: tr, Ledger: c, Indexed: true}.Feed(context.Background(), nil)
	if err != nil || len(got) != 1 || got[0].User != "u3" || !got[0].Recorded {
		t.Fatalf("feed = %+v, %v; want only u3's leak recorded", got, err)
	}
}

func TestMemLedgerRecordsOnce(t *testing.T) {
	m := NewMemLedger()
	ctx := context.Background()
	for i, want := range []bool{true, false} {
		if got, err := m.RecordLeak(ctx, testLeak(redisops.LeakVerified, "s1", "u1", "1", 3)); err != nil || got != want {
			t.Fatalf("#%d: %v %v", i, got, err)
		}
	}
	tot, _ := m.LedgerTotals(ctx, []string{"s1", "s2"})
	if tot["s1"] != (redisops.LeakTotals{Units: 3, Holds: 1}) || tot["s2"] != (redisops.LeakTotals{}) {
		t.Fatalf("totals %+v", tot)
	}
	if _, err := m.RecordLeak(ctx, testLeak(redisops.LeakVerified, "a{b", "u", "1", 1)); !errors.Is(err, redisops.ErrInput) {
		t.Errorf("bad sale: %v, want ErrInput (as the Redis ledger)", err)
	}
}

// TestMemLedgerAndFillCountTheClass: the in-memory ledger counts the
// unverified part too, and FillLeaks puts it in the sale rows.
func TestMemLedgerAndFillCountTheClass(t *testing.T) {
	m := NewMemLedger()
	ctx := context.Background()
	for i, l := range []redisops.Leak{
		testLeak(redisops.LeakVerified, "s1", "u1", "1", 3),
		testLeak(redisops.LeakUnverified, "s1", "u2", "1", 2),
		testLeak("", "s1", "u3", "1", 1),
		testLeak(redisops.LeakVerified, "s1", "u3", "1", 1), // the same leak again
	} {
		if _, err := m.RecordLeak(ctx, l); err != nil {
			t.Fatalf("#%d: %v", i, err)
		}
	}
	tot, _ := m.LedgerTotals(ctx, []string{"s1"})
	if tot["s1"] != (redisops.LeakTotals{Units: 6, Holds: 3, UnverifiedUnits: 3, UnverifiedHolds: 2}) {
		t.Fatalf("totals %+v", tot["s1"])
	}
	snap := &redisops.Snapshot{Sales: []redisops.SaleStats{{ID: "s1"}, {ID: "s2"}}}
	if err := (Watch{Tracker: NewTracker(0), Ledger: m}).FillLeaks(ctx, snap); err != nil {
		t.Fatal(err)
	}
	s2 := snap.Sales[1]
	if r := snap.Sales[0]; r.LeakedUnits != 6 || r.LeakedHolds != 3 || r.LeakedUnverifiedUnits != 3 ||
		s2.LeakedUnits != 0 || s2.LeakedHolds != 0 || s2.HoldOutcomes == nil || *s2.HoldOutcomes != (redisops.HoldOutcomes{}) {
		t.Fatalf("rows %+v", snap.Sales)
	}
}
