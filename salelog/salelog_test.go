package salelog

import (
	"slices"
	"testing"
	"time"

	"flashtop/redisops"
)

var t0 = time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)

func i64(n int64) *int64 { return &n }

// snap builds a complete snapshot at t0+sec of the given sales.
func snap(sec int, sales ...redisops.SaleStats) *redisops.Snapshot {
	return &redisops.Snapshot{TakenAt: t0.Add(time.Duration(sec) * time.Second), Sales: sales,
		Queues: map[string][]redisops.QueueEntry{}}
}

// queue is a head window of users u<from>..u<to-1>, scores by index.
func queue(from, to int) []redisops.QueueEntry {
	var q []redisops.QueueEntry
	for i := from; i < to; i++ {
		q = append(q, redisops.QueueEntry{User: "u" + string(rune('A'+i/26)) + string(rune('a'+i%26)), Position: int64(i - from + 1), JoinedAtMs: int64(1000 + i)})
	}
	return q
}

func kinds(l *Log) []string {
	var out []string
	for _, e := range l.Events() {
		out = append(out, e.Kind+": "+e.Text())
	}
	return out
}

func TestFirstSnapshotIsTheBaseline(t *testing.T) {
	var l Log
	l.Observe(snap(0, redisops.SaleStats{ID: "s1", Inventory: i64(0), QueueLength: 50}))
	if l.Len() != 0 {
		t.Fatalf("events from the first snapshot: %v", kinds(&l))
	}
	if !l.Since().Equal(t0) {
		t.Errorf("since = %v", l.Since())
	}
}

func TestSoldOutRestockedOversold(t *testing.T) {
	var l Log
	l.Observe(snap(0, redisops.SaleStats{ID: "s1", Inventory: i64(3), ReservedUnits: 10}))
	l.Observe(snap(1, redisops.SaleStats{ID: "s1", Inventory: i64(0), ReservedUnits: 13}))
	// A release gives 2 units back as its hold goes: not a restock.
	l.Observe(snap(2, redisops.SaleStats{ID: "s1", Inventory: i64(2), ReservedUnits: 11}))
	// Stock 2 → 52 while holds fell by 1: restocked.
	l.Observe(snap(3, redisops.SaleStats{ID: "s1", Inventory: i64(52), ReservedUnits: 10}))
	l.Observe(snap(4, redisops.SaleStats{ID: "s1", Inventory: i64(-1), ReservedUnits: 10}))
	got := kinds(&l)
	want := []string{"oversold: OVERSOLD: stock 52 → -1", "restocked: restocked: stock 2 → 52",
		"back in stock: back in stock: 0 → 2", "sold out: SOLD OUT: stock 3 → 0"}
	if !slices.Equal(got, want) {
		t.Fatalf("events = %q\nwant     %q", got, want)
	}
}

func TestRestockNotJudgedWhileHoldCountsAreNotLive(t *testing.T) {
	var l Log
	off := &redisops.FeedStatus{State: redisops.FeedOff}
	a := snap(0, redisops.SaleStats{ID: "s1", Inventory: i64(0)})
	a.Feed = off
	b := snap(1, redisops.SaleStats{ID: "s1", Inventory: i64(50)})
	b.Feed = off
	l.Observe(a)
	l.Observe(b)
	if got := kinds(&l); len(got) != 1 || got[0] != "back in stock: back in stock: 0 → 50" {
		t.Fatalf("without live counts, want only what the stock did: %q", got)
	}
}

func TestAdmittedFromTheHeadWindow(t *testing.T) {
	var l Log
	s := func(sec, from, to int, qlen int64) *redisops.Snapshot {
		x := snap(sec, redisops.SaleStats{ID: "s1", QueueLength: qlen})
		x.Queues["s1"] = queue(from, to)
		return x
	}
	l.Observe(s(0, 0, 20, 40))  // u0..u19 of 40
	l.Observe(s(1, 6, 26, 40))  // 6 popped, 6 joined: 6 admitted (the new head was 7th)
	l.Observe(s(2, 14, 34, 36)) // 8 more: in one growing line
	ev := l.Events()
	if len(ev) != 1 || ev[0].Kind != Admitted || ev[0].N != 14 || ev[0].AtLeast || ev[0].Pops != 2 {
		t.Fatalf("events = %+v, want one line of 14 admitted in 2 pops", ev)
	}
	if got := ev[0].Text(); got != "14 admitted in 2 pops" {
		t.Errorf("text = %q", got)
	}
	if !ev[0].First.Equal(t0.Add(time.Second)) || !ev[0].At.Equal(t0.Add(2*time.Second)) {
		t.Errorf("span %v–%v", ev[0].First, ev[0].At)
	}
	// 30 go at once, past the 20-member window: a lower bound.
	l.Observe(s(3, 44, 64, 30))
	ev = l.Events()
	if ev[0].N != 14+20 || !ev[0].AtLeast || ev[0].Text() != "≥34 admitted in 3 pops" {
		t.Errorf("past the window: %+v %q", ev[0], ev[0].Text())
	}
}

func TestAdmittedWholeQueueInWindowIsExact(t *testing.T) {
	var l Log
	a := snap(0, redisops.SaleStats{ID: "s1", QueueLength: 5})
	a.Queues["s1"] = queue(0, 5)
	b := snap(1, redisops.SaleStats{ID: "s1", QueueLength: 2})
	b.Queues["s1"] = queue(10, 12) // all five left, two new joined
	l.Observe(a)
	l.Observe(b)
	ev := l.Events()
	if len(ev) != 1 || ev[0].N != 5 || ev[0].AtLeast {
		t.Fatalf("events = %+v, want exactly 5 admitted", ev)
	}
	c := snap(2, redisops.SaleStats{ID: "s1", QueueLength: 0})
	l.Observe(c)
	if ev = l.Events(); ev[0].N != 7 {
		t.Errorf("queue emptied: %+v, want 7 in all", ev[0])
	}
}

func TestQueueFormedAndDrained(t *testing.T) {
	var l Log
	l.Observe(snap(0, redisops.SaleStats{ID: "s1", QueueLength: 3}))
	l.Observe(snap(1, redisops.SaleStats{ID: "s1", QueueLength: 9}))
	l.Observe(snap(2, redisops.SaleStats{ID: "s1", QueueLength: 12}))
	l.Observe(snap(3, redisops.SaleStats{ID: "s1", QueueLength: 8}))
	l.Observe(snap(4, redisops.SaleStats{ID: "s1", QueueLength: 11})) // still formed: no second event
	l.Observe(snap(5, redisops.SaleStats{ID: "s1", QueueLength: 0}))  // drained 3 s after it formed: written later
	if l.Len() != 1 {
		t.Fatalf("a drain 3 s after forming was written at once: %q", kinds(&l))
	}
	for sec := 6; sec <= 20; sec++ { // flapping: one line a QueueGap at most
		n := int64(0)
		if sec%2 == 0 {
			n = 15
		}
		l.Observe(snap(sec, redisops.SaleStats{ID: "s1", QueueLength: n}))
	}
	l.Observe(snap(21, redisops.SaleStats{ID: "s1", QueueLength: 0}))
	l.Observe(snap(40, redisops.SaleStats{ID: "s1", QueueLength: 0}))
	got := kinds(&l)
	// formed at 2; at 12 (10 s later) it is formed again (15): no change to
	// write; at 13 it is 0: drained, written (11 s after the last line).
	want := []string{"queue drained: queue drained: 0 waiting", "queue formed: queue formed: 12 waiting"}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("events = %q, want %q", got, want)
	}
}

func TestOpenedOnlyAfterDiscovery(t *testing.T) {
	var l Log
	walking := snap(0, redisops.SaleStats{ID: "s1", Inventory: i64(5)})
	walking.Cost = &redisops.PollCost{WalksDone: 0}
	l.Observe(walking)
	found := snap(1, redisops.SaleStats{ID: "s1", Inventory: i64(5)}, redisops.SaleStats{ID: "s2", Inventory: i64(9)})
	found.Cost = &redisops.PollCost{WalksDone: 1}
	l.Observe(found) // s2 found by the first walk: it was there before
	if l.Len() != 0 {
		t.Fatalf("a sale found by the first walk read as opened: %v", kinds(&l))
	}
	opened := snap(2, redisops.SaleStats{ID: "s1", Inventory: i64(5)}, redisops.SaleStats{ID: "s2", Inventory: i64(9)},
		redisops.SaleStats{ID: "s3", Inventory: i64(1200)})
	opened.Cost = &redisops.PollCost{WalksDone: 1}
	l.Observe(opened)
	if got := kinds(&l); len(got) != 1 || got[0] != "opened: opened: 1,200 in stock" {
		t.Fatalf("events = %q", got)
	}
}

func TestExpiredAndReclaimed(t *testing.T) {
	var l Log
	l.Observe(snap(0, redisops.SaleStats{ID: "s1"}))
	a := snap(1, redisops.SaleStats{ID: "s1", LeakedUnits: 5})
	a.Leaks = []redisops.WatchedLeak{{Leak: redisops.Leak{Sale: "s1", Quantity: 2, Class: redisops.LeakVerified}},
		{Leak: redisops.Leak{Sale: "s1", Quantity: 3, Class: redisops.LeakUnverified}}}
	l.Observe(a)
	b := snap(3, redisops.SaleStats{ID: "s1", LeakedUnits: 6})
	b.Leaks = []redisops.WatchedLeak{{Leak: redisops.Leak{Sale: "s1", Quantity: 1, Class: redisops.LeakVerified}}}
	l.Observe(b)
	l.Observe(snap(4, redisops.SaleStats{ID: "s1", LeakedUnits: 0}))
	// A leak after the reclaim starts a new line.
	c := snap(5, redisops.SaleStats{ID: "s1", LeakedUnits: 1})
	c.Leaks = []redisops.WatchedLeak{{Leak: redisops.Leak{Sale: "s1", Quantity: 1, Class: redisops.LeakVerified}}}
	l.Observe(c)
	got := kinds(&l)
	want := []string{"expired: 1 hold expired → 1 unit lost", "reclaimed: reclaimed 6 units", "expired: 3 holds expired → 6 units lost (3 unverified)"}
	if !slices.Equal(got, want) {
		t.Fatalf("events = %q\nwant     %q", got, want)
	}
}

func TestGrowingLinesInterleaveAndStop(t *testing.T) {
	var l Log
	l.add(Event{Kind: Admitted, Sale: "s1", First: t0, At: t0, N: 5, Pops: 1})
	l.add(Event{Kind: Expired, Sale: "s1", First: t0.Add(time.Second), At: t0.Add(time.Second), N: 1, Units: 2, Pops: 1})
	l.add(Event{Kind: Admitted, Sale: "s1", First: t0.Add(2 * time.Second), At: t0.Add(2 * time.Second), N: 5, Pops: 1})
	if ev := l.Events(); l.Len() != 2 || ev[1].Kind != Admitted || ev[1].N != 10 || ev[0].Kind != Expired {
		t.Fatalf("admitted and expired lines of a sale should each grow in place (newest first by start): %+v", ev)
	}
	// A gap past MergeGap starts a new line.
	late := t0.Add(2*time.Second + MergeGap + time.Second)
	l.add(Event{Kind: Admitted, Sale: "s1", First: late, At: late, N: 1, Pops: 1})
	if l.Len() != 3 {
		t.Fatalf("a line grew over a gap: %+v", l.Events())
	}
	for i := 0; i < MaxEvents+10; i++ {
		at := t0.Add(time.Duration(i) * time.Hour)
		l.add(Event{Kind: SoldOut, Sale: "s1", First: at, At: at})
	}
	if l.Len() != MaxEvents {
		t.Errorf("kept %d events, want %d", l.Len(), MaxEvents)
	}
}

func TestReplaySteppingBackStartsOver(t *testing.T) {
	var l Log
	l.Observe(snap(5, redisops.SaleStats{ID: "s1", Inventory: i64(3)}))
	l.Observe(snap(6, redisops.SaleStats{ID: "s1", Inventory: i64(0)}))
	l.Observe(snap(1, redisops.SaleStats{ID: "s1", Inventory: i64(3)}))
	if l.Len() != 0 || !l.Since().Equal(t0.Add(time.Second)) {
		t.Fatalf("after stepping back: %v since %v", kinds(&l), l.Since())
	}
}

// The same snapshot again (a paused replay is polled every second) brings
// nothing new: its leaks are not counted twice.
func TestSameSnapshotAgainAddsNothing(t *testing.T) {
	var l Log
	l.Observe(snap(0, redisops.SaleStats{ID: "s1"}))
	a := snap(1, redisops.SaleStats{ID: "s1", LeakedUnits: 3})
	a.Leaks = []redisops.WatchedLeak{{Leak: redisops.Leak{Sale: "s1", Quantity: 3, Class: redisops.LeakVerified}}}
	for range 5 {
		l.Observe(a)
	}
	if ev := l.Events(); len(ev) != 1 || ev[0].N != 1 || ev[0].Units != 3 {
		t.Fatalf("events = %+v, want one hold, 3 units", ev)
	}
}

// A reclaim gives units back to stock: that is "reclaimed", not a restock;
// a restock on top of it is still seen.
func TestReclaimIsNotARestock(t *testing.T) {
	var l Log
	l.Observe(snap(0, redisops.SaleStats{ID: "s1", Inventory: i64(0), LeakedUnits: 7}))
	l.Observe(snap(1, redisops.SaleStats{ID: "s1", Inventory: i64(7), LeakedUnits: 0}))
	if got := kinds(&l); len(got) != 1 || got[0] != "reclaimed: reclaimed 7 units" {
		t.Fatalf("events = %q, want only the reclaim", got)
	}
	l.Observe(snap(2, redisops.SaleStats{ID: "s1", Inventory: i64(7), LeakedUnits: 4}))
	l.Observe(snap(3, redisops.SaleStats{ID: "s1", Inventory: i64(61), LeakedUnits: 0})) // 4 reclaimed + 50 restocked
	if got := kinds(&l); len(got) != 3 || got[1] != "restocked: restocked: stock 7 → 61" {
		t.Fatalf("events = %q", got)
	}
}

// A queue that could not be read (an ACL refusal) is not an empty one: no
// admissions, no "drained", and the next readable poll compares with the
// last one read.
func TestUnreadableQueueIsNotEmpty(t *testing.T) {
	var l Log
	a := snap(0, redisops.SaleStats{ID: "s1", QueueLength: 30})
	a.Queues["s1"] = queue(0, 20)
	l.Observe(a)
	blind := snap(1, redisops.SaleStats{ID: "s1"})
	blind.Unreadable = []redisops.Unreadable{{What: redisops.UnreadQueues, Reason: "NOPERM"}}
	l.Observe(blind)
	if l.Len() != 0 {
		t.Fatalf("a blind read wrote %q", kinds(&l))
	}
	b := snap(2, redisops.SaleStats{ID: "s1", QueueLength: 28})
	b.Queues["s1"] = queue(2, 22)
	l.Observe(b)
	if ev := l.Events(); len(ev) != 1 || ev[0].N != 2 || ev[0].AtLeast {
		t.Fatalf("after the blind read: %+v, want 2 admitted", ev)
	}
	// One sale's queue refused, another's read (its queue_stats present):
	// the other's admissions are still written.
	c := snap(3, redisops.SaleStats{ID: "s1"}, redisops.SaleStats{ID: "s2", QueueLength: 20, QueueStats: &redisops.QueueStats{Waiters: 20}})
	c.Queues["s2"] = queue(0, 20)
	c.Unreadable = blind.Unreadable
	l.Observe(c)
	d := snap(4, redisops.SaleStats{ID: "s1"}, redisops.SaleStats{ID: "s2", QueueLength: 17, QueueStats: &redisops.QueueStats{Waiters: 17}})
	d.Queues["s2"] = queue(3, 20)
	d.Unreadable = blind.Unreadable
	l.Observe(d)
	if ev := l.Events(); len(ev) != 2 || ev[0].Sale != "s2" || ev[0].N != 3 {
		t.Fatalf("a readable sale beside a refused one: %+v", ev)
	}
}

// A drain written after the gap is only written while the queue is empty.
func TestLateDrainOnlyWhileEmpty(t *testing.T) {
	var l Log
	l.Observe(snap(0, redisops.SaleStats{ID: "s1", QueueLength: 3}))
	l.Observe(snap(1, redisops.SaleStats{ID: "s1", QueueLength: 12})) // formed
	l.Observe(snap(2, redisops.SaleStats{ID: "s1", QueueLength: 0}))  // drained, within the gap
	l.Observe(snap(15, redisops.SaleStats{ID: "s1", QueueLength: 5})) // past the gap, but 5 wait
	if got := kinds(&l); len(got) != 1 {
		t.Fatalf("a drain written while 5 wait: %q", got)
	}
	l.Observe(snap(16, redisops.SaleStats{ID: "s1", QueueLength: 0}))
	if got := kinds(&l); len(got) != 2 || got[0] != "queue drained: queue drained: 0 waiting" {
		t.Fatalf("events = %q", got)
	}
}

// The poller's own count of departures (QueueStats.Departed) is the
// admission count, exact for every sale, not only the selected one.
func TestAdmittedFromThePollersCount(t *testing.T) {
	var l Log
	a := snap(0, redisops.SaleStats{ID: "s1", QueueLength: 40})
	a.Queues["s1"] = queue(0, 1) // a sale not selected: its head alone
	l.Observe(a)
	b := snap(1, redisops.SaleStats{ID: "s1", QueueLength: 38, QueueStats: &redisops.QueueStats{Departed: i64(6),
		DepartedSinceMs: i64(t0.UnixMilli()), DepartedFrom: redisops.QueueCountScores}})
	b.Queues["s1"] = queue(6, 7)
	l.Observe(b)
	if ev := l.Events(); len(ev) != 1 || ev[0].N != 6 || ev[0].AtLeast {
		t.Fatalf("events = %+v, want exactly 6 admitted", ev)
	}
	// A count over another interval (a replay that skipped the frame at 2 s)
	// is not this interval's: the head window counts, as a lower bound.
	c := snap(3, redisops.SaleStats{ID: "s1", QueueLength: 30, QueueStats: &redisops.QueueStats{Departed: i64(3),
		DepartedSinceMs: i64(t0.Add(2 * time.Second).UnixMilli()), DepartedFrom: redisops.QueueCountScores}})
	c.Queues["s1"] = queue(14, 15)
	l.Observe(c)
	if ev := l.Events(); ev[0].N != 6+8 || !ev[0].AtLeast {
		t.Fatalf("after a skipped frame: %+v, want ≥14 in all (6, then at least the drop of 8)", ev[0])
	}
}

// Without a live feed the hold counts are not exact (a release between a
// walk's hold reads and the stock read would pass for a restock): a rise
// from 0 is "back in stock", and no rise is called a restock.
func TestNoRestockWithoutALiveFeed(t *testing.T) {
	var l Log
	off := func(asOf int) *redisops.FeedStatus {
		return &redisops.FeedStatus{State: redisops.FeedOff, AsOf: t0.Add(time.Duration(asOf) * time.Second)}
	}
	for i, stock := range []int64{0, 0, 200, 150, 400} {
		s := snap(i, redisops.SaleStats{ID: "s1", Inventory: i64(stock)})
		s.Feed = off(i) // a walk finished at every poll
		l.Observe(s)
	}
	if got := kinds(&l); len(got) != 1 || got[0] != "back in stock: back in stock: 0 → 200" {
		t.Fatalf("events = %q", got)
	}
}
