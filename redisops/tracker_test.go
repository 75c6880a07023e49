package redisops

import (
	"context"
	"fmt"
	"testing"
	"time"
)

var t0 = time.Unix(1_800_000_000, 0)

func trackedHoldAt(sale, user string, qty int64, ttl time.Duration, reservedAt time.Time) Hold {
	at := reservedAt
	return Hold{Sale: sale, User: user, Key: "reservation:" + user + ":" + sale, Quantity: qty,
		TTLMs: ttl.Milliseconds(), ReservedAt: &at, Shape: HoldShapeHash}
}

func all(string) bool { return true }

// TestTrackerClassifies: the outcome rule at its boundaries, with an
// injected clock. A seen end (pushed or notified) is judged against the
// deadline within the margin (here 5 ms: a leak from deadline − 4 ms on); an
// end only found later is a release when found before the deadline and
// otherwise unverified; an expired notification is a leak whenever, a
// deleted one never.
func TestTrackerClassifies(t *testing.T) {
	tr := NewTracker(5 * time.Millisecond)
	users := []string{"r40", "r5", "m4", "at", "found-early", "found-late", "event", "deleted", "nottl"}
	var holds []Hold
	for _, u := range users {
		ttl := 10 * time.Second
		if u == "nottl" {
			ttl = -time.Millisecond
		}
		holds = append(holds, trackedHoldAt("s1", u, 2, ttl, t0))
	}
	holds = append(holds, Hold{Sale: "s1", User: "badqty", Key: "reservation:badqty:s1", Quantity: 0, TTLMs: 1000})
	tr.Seen(holds, t0)
	if tr.Tracked() != len(users) {
		t.Fatalf("tracked %d, want %d (the hold without a quantity is not tracked)", tr.Tracked(), len(users))
	}
	deadline := 10 * time.Second
	checks := []struct {
		user  string
		v     Vanish
		class string // "" no leak
	}{
		{"r40", Vanish{At: t0.Add(deadline - 40*time.Millisecond), Seen: true}, ""},
		{"r5", Vanish{At: t0.Add(deadline - 5*time.Millisecond), Seen: true}, ""},
		{"m4", Vanish{At: t0.Add(deadline - 4*time.Millisecond), Seen: true}, LeakVerified}, // within the margin
		{"at", Vanish{At: t0.Add(deadline + time.Millisecond), Seen: true}, LeakVerified},
		{"found-early", Vanish{At: t0.Add(deadline - time.Millisecond)}, ""},
		{"found-late", Vanish{At: t0.Add(deadline)}, LeakUnverified},
		{"event", Vanish{At: t0.Add(time.Second), Seen: true, Expired: true}, LeakVerified},
		{"deleted", Vanish{At: t0.Add(time.Hour), Seen: true, Deleted: true}, ""},
		{"nottl", Vanish{At: t0.Add(time.Hour)}, ""},
		{"unknown", Vanish{At: t0.Add(time.Hour), Expired: true}, ""}, // never seen: nothing known
	}
	for _, c := range checks {
		l, leak := tr.Gone("reservation:"+c.user+":s1", c.v)
		if leak != (c.class != "") || l.Class != c.class {
			t.Errorf("%s gone %+v: leak %v class %q, want class %q", c.user, c.v, leak, l.Class, c.class)
		}
	}
	want := map[string]LeakTotals{"s1": {Units: 8, Holds: 4, UnverifiedUnits: 2, UnverifiedHolds: 1}}
	if got := tr.Totals(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("totals %v, want %v", got, want)
	}
	if d := tr.Drain(); len(d) != 4 || d[0].Key != "reservation:event:s1" || d[0].Stamp != fmt.Sprint(t0.Unix()) {
		t.Fatalf("drained %+v", d)
	}
	if d := tr.Drain(); len(d) != 0 {
		t.Fatalf("second drain %+v", d)
	}
}

// TestTrackerObserveDiffs: a complete list reveals what vanished; an
// incomplete sale is left alone; a new stamp on a key ends the old hold.
func TestTrackerObserveDiffs(t *testing.T) {
	tr := NewTracker(time.Second)
	a := trackedHoldAt("s1", "a", 1, 2*time.Second, t0)
	b := trackedHoldAt("s2", "b", 2, 2*time.Second, t0)
	tr.Observe([]Hold{a, b}, all, t0)
	onlyS1 := func(s string) bool { return s == "s1" }
	tr.Observe(nil, onlyS1, t0.Add(3*time.Second))
	if got := tr.Totals(); got["s1"].Units != 1 || got["s2"].Units != 0 || tr.Tracked() != 1 {
		t.Fatalf("after a partial observation: %v, tracked %d", got, tr.Tracked())
	}
	// b's key gets a new hold (new reserved_at) after b's deadline: b leaked.
	b2 := trackedHoldAt("s2", "b", 9, 300*time.Second, t0.Add(5*time.Second))
	tr.Observe([]Hold{b2}, all, t0.Add(5*time.Second))
	if got := tr.Totals(); got["s2"] != (LeakTotals{Units: 2, Holds: 1, UnverifiedUnits: 2, UnverifiedHolds: 1}) {
		t.Fatalf("re-reserved key: %v", got)
	}
	// The same hold seen again is not a new one.
	tr.Observe([]Hold{b2}, all, t0.Add(6*time.Second))
	if tr.Tracked() != 1 || len(tr.Drain()) != 2 {
		t.Fatal("re-seeing a hold changed the count")
	}
}

// TestTrackerOwnReleases: flashtop's own release never leaks; a release
// that found nothing (the hold had expired) leaves the leak counted.
func TestTrackerOwnReleases(t *testing.T) {
	tr := NewTracker(time.Second)
	h := trackedHoldAt("s1", "u", 3, 2*time.Second, t0)
	tr.Seen([]Hold{h}, t0)
	tr.Own(h.Key)
	if _, leak := tr.Gone(h.Key, Vanish{At: t0.Add(5 * time.Second)}); leak {
		t.Fatal("an owned hold leaked")
	}
	if _, leak := tr.Settle(h.Key, true); leak {
		t.Fatal("a released hold leaked")
	}
	tr.Seen([]Hold{h}, t0)
	tr.Own(h.Key)
	tr.Gone(h.Key, Vanish{At: t0.Add(5 * time.Second)})
	if _, leak := tr.Settle(h.Key, false); !leak {
		t.Fatal("a hold flashtop failed to release (not_found) was not counted when it had expired")
	}
}

// reserveJSON writes the order path's JSON hold with SETEX.
func reserveJSON(t *testing.T, c *Client, sale, user string, qty int64, ttl time.Duration) {
	t.Helper()
	exp := time.Now().Add(300 * time.Second).UnixMilli()
	v := fmt.Sprintf(`{"saleId":%q,"userId":%q,"quantity":%d,"expiresAt":%d}`, sale, user, qty, exp)
	if err := c.Redis().Set(context.Background(), c.Schema().HoldKey(user, sale), v, ttl).Err(); err != nil {
		t.Fatal(err)
	}
}

// watchUntilGone polls snapshots into w until no hold is left in Redis and
// the tracker remembers none (bounded: it fails after 40 polls).
func watchUntilGone(t *testing.T, c *Client, ws ...LeakWatch) []WatchedLeak {
	t.Helper()
	ctx := context.Background()
	var out []WatchedLeak
	for range 40 {
		snap, err := c.Snapshot(ctx, SnapshotOptions{})
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
	c := newTestClient(t)
	ctx := context.Background()
	rdb := c.Redis()
	rdb.Set(ctx, "inventory:s1", "100", 0)
	rdb.Set(ctx, "inventory:s2", "100", 0)
	ttl := 2 * time.Second
	for _, r := range []struct {
		sale, user string
		qty        int64
	}{{"s1", "exp", 3}, {"s1", "rel", 4}, {"s2", "exp", 1}, {"s2", "del", 6}} {
		if res, err := c.Reserve(ctx, r.sale, r.user, r.qty, ttl); err != nil || res.Status != StatusReserved {
			t.Fatalf("reserve: %+v %v", res, err)
		}
	}
	reserveJSON(t, c, "s1", "jexp", 2, ttl)
	reserveJSON(t, c, "s2", "jrel", 5, ttl)
	w := LeakWatch{Tracker: NewTracker(DefaultLeakSkew), Ledger: NewMemLedger()}
	snap, err := c.Snapshot(ctx, SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Feed(ctx, snap); err != nil || w.Tracker.Tracked() != 6 {
		t.Fatalf("tracked %d after the first poll (%v), want 6", w.Tracker.Tracked(), err)
	}
	for _, u := range []string{"rel", "jrel"} {
		sale := map[string]string{"rel": "s1", "jrel": "s2"}[u]
		if res, err := c.Release(ctx, sale, u, nil); err != nil || res.Status != StatusReleased {
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
	if tot["s1"] != (LeakTotals{Units: 5, Holds: 2, UnverifiedUnits: 5, UnverifiedHolds: 2}) ||
		tot["s2"] != (LeakTotals{Units: 1, Holds: 1, UnverifiedUnits: 1, UnverifiedHolds: 1}) {
		t.Fatalf("totals %v", tot)
	}
	snap, _ = c.Snapshot(ctx, SnapshotOptions{})
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
	srv, c1 := newTestServerClient(t, Options{})
	c2 := newClientOn(t, srv, Options{})
	ctx := context.Background()
	c1.Redis().Set(ctx, "inventory:s1", "10", 0)
	if _, err := c1.Reserve(ctx, "s1", "u1", 3, 2*time.Second); err != nil {
		t.Fatal(err)
	}
	reserveJSON(t, c1, "s1", "u2", 2, 2*time.Second)
	w1 := LeakWatch{Tracker: NewTracker(0), Ledger: c1}
	w2 := LeakWatch{Tracker: NewTracker(0), Ledger: c2}
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

// TestTrackerOverlappingOwnReleases: two releases of one hold in flight at
// once (a double press): the one that took the hold settles first, the
// other finds nothing; the hold was flashtop's release, never a leak.
func TestTrackerOverlappingOwnReleases(t *testing.T) {
	tr := NewTracker(time.Second)
	h := trackedHoldAt("s1", "u", 3, 2*time.Second, t0)
	tr.Seen([]Hold{h}, t0)
	tr.Own(h.Key)
	tr.Own(h.Key)
	tr.Gone(h.Key, Vanish{At: t0.Add(5 * time.Second)}) // noticed late, past its deadline
	if _, leak := tr.Settle(h.Key, true); leak {
		t.Fatal("the release that took the hold leaked")
	}
	if _, leak := tr.Settle(h.Key, false); leak {
		t.Fatal("the second release (not_found) counted the released hold as a leak")
	}
	if got := tr.Totals(); len(got) != 0 {
		t.Fatalf("totals %v, want none", got)
	}
	if d := tr.Drain(); len(d) != 0 {
		t.Fatalf("drained %+v, want none", d)
	}
}
