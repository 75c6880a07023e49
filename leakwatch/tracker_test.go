package leakwatch

import (
	"fmt"
	"testing"
	"time"

	"flashtop/redisops"
)

var t0 = time.Unix(1_800_000_000, 0)

func trackedHoldAt(sale, user string, qty int64, ttl time.Duration, reservedAt time.Time) redisops.Hold {
	at := reservedAt
	return redisops.Hold{Sale: sale, User: user, Key: "reservation:" + user + ":" + sale, Quantity: qty,
		TTLMs: ttl.Milliseconds(), ReservedAt: &at, Shape: redisops.HoldShapeHash}
}

func all(string) bool { return true }

// TestTrackerClassifies: the outcome rule at its boundaries, with an
// injected clock. An end provably before the deadline (its upper bound
// before it) is a release, whatever came after; one provably after it (a
// lower bound a millisecond past the deadline, the feed unbroken) a verified
// leak; anything in between, or without a lower bound, an unverified one
// once the deadline has passed; an expired notification is a leak whenever,
// a deleted one never.
func TestTrackerClassifies(t *testing.T) {
	tr := NewTracker(0)
	users := []string{"r40", "r1", "band", "after", "at-deadline", "gap", "found-early", "found-late", "event", "deleted", "nottl"}
	var holds []redisops.Hold
	for _, u := range users {
		ttl := 10 * time.Second
		if u == "nottl" {
			ttl = -time.Millisecond
		}
		holds = append(holds, trackedHoldAt("s1", u, 2, ttl, t0))
	}
	holds = append(holds, redisops.Hold{Sale: "s1", User: "badqty", Key: "reservation:badqty:s1", Quantity: 0, TTLMs: 1000})
	tr.Seen(holds, t0)
	if tr.Tracked() != len(users) {
		t.Fatalf("tracked %d, want %d (the hold without a quantity is not tracked)", tr.Tracked(), len(users))
	}
	d := t0.Add(10 * time.Second)
	ms := time.Millisecond
	checks := []struct {
		user  string
		v     redisops.Vanish
		class string // "" no leak
	}{
		{"r40", redisops.Vanish{Before: d.Add(-40 * ms), NotBefore: d.Add(-41 * ms), Seen: true}, ""},
		{"r1", redisops.Vanish{Before: d.Add(-ms), Seen: true}, ""},
		{"band", redisops.Vanish{Before: d.Add(2 * ms), NotBefore: d.Add(-4 * ms), Seen: true}, redisops.LeakUnverified},
		{"after", redisops.Vanish{Before: d.Add(30 * ms), NotBefore: d.Add(ms), Seen: true}, redisops.LeakVerified},
		{"at-deadline", redisops.Vanish{Before: d.Add(30 * ms), NotBefore: d, Seen: true}, redisops.LeakUnverified}, // a release can still come in the deadline's millisecond
		{"gap", redisops.Vanish{Before: d.Add(30 * ms), NotBefore: d.Add(5 * ms)}, redisops.LeakUnverified},
		{"found-early", redisops.Vanish{Before: d.Add(-ms)}, ""},
		{"found-late", redisops.Vanish{Before: d}, redisops.LeakUnverified},
		{"event", redisops.Vanish{At: t0.Add(time.Second), Seen: true, Expired: true}, redisops.LeakVerified},
		{"deleted", redisops.Vanish{At: t0.Add(time.Hour), Seen: true, Deleted: true}, ""},
		{"nottl", redisops.Vanish{Before: t0.Add(time.Hour)}, ""},
		{"unknown", redisops.Vanish{Before: t0.Add(time.Hour), Expired: true}, ""}, // never seen: nothing known
	}
	for _, c := range checks {
		l, leak := tr.Gone("reservation:"+c.user+":s1", c.v)
		if leak != (c.class != "") || l.Class != c.class {
			t.Errorf("%s gone %+v: leak %v class %q, want class %q", c.user, c.v, leak, l.Class, c.class)
		}
	}
	want := map[string]redisops.LeakTotals{"s1": {Units: 12, Holds: 6, UnverifiedUnits: 8, UnverifiedHolds: 4}}
	if got := tr.Totals(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("totals %v, want %v", got, want)
	}
	// Ended in time: r40, r1, found-early (bounds before the deadline) and
	// deleted; nottl had no deadline (neither), unknown was never seen.
	if got := tr.Outcomes(); got["s1"] != (redisops.HoldOutcomes{Converted: 4, Expired: 6}) || len(got) != 1 {
		t.Fatalf("outcomes %+v, want s1 converted 4, expired 6", got)
	}
	if d := tr.Drain(); len(d) != 6 || d[0].Key != "reservation:event:s1" || d[0].Stamp != fmt.Sprint(t0.Unix()) {
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
	tr.Observe([]redisops.Hold{a, b}, all, t0)
	onlyS1 := func(s string) bool { return s == "s1" }
	tr.Observe(nil, onlyS1, t0.Add(3*time.Second))
	if got := tr.Totals(); got["s1"].Units != 1 || got["s2"].Units != 0 || tr.Tracked() != 1 {
		t.Fatalf("after a partial observation: %v, tracked %d", got, tr.Tracked())
	}
	// b's key gets a new hold (new reserved_at) after b's deadline: b leaked.
	b2 := trackedHoldAt("s2", "b", 9, 300*time.Second, t0.Add(5*time.Second))
	tr.Observe([]redisops.Hold{b2}, all, t0.Add(5*time.Second))
	if got := tr.Totals(); got["s2"] != (redisops.LeakTotals{Units: 2, Holds: 1, UnverifiedUnits: 2, UnverifiedHolds: 1}) {
		t.Fatalf("re-reserved key: %v", got)
	}
	// The same hold seen again is not a new one.
	tr.Observe([]redisops.Hold{b2}, all, t0.Add(6*time.Second))
	if tr.Tracked() != 1 || len(tr.Drain()) != 2 {
		t.Fatal("re-seeing a hold changed the count")
	}
}

// TestTrackerOwnReleases: flashtop's own release never leaks; a release
// that found nothing (the hold had expired) leaves the leak counted.
func TestTrackerOwnReleases(t *testing.T) {
	tr := NewTracker(time.Second)
	h := trackedHoldAt("s1", "u", 3, 2*time.Second, t0)
	tr.Seen([]redisops.Hold{h}, t0)
	tr.Own(h.Key)
	if _, leak := tr.Gone(h.Key, redisops.Vanish{At: t0.Add(5 * time.Second)}); leak {
		t.Fatal("an owned hold leaked")
	}
	if _, leak := tr.Settle(h.Key, true); leak {
		t.Fatal("a released hold leaked")
	}
	tr.Seen([]redisops.Hold{h}, t0)
	tr.Own(h.Key)
	tr.Gone(h.Key, redisops.Vanish{At: t0.Add(5 * time.Second)})
	if _, leak := tr.Settle(h.Key, false); !leak {
		t.Fatal("a hold flashtop failed to release (not_found) was not counted when it had expired")
	}
	if got := tr.Outcomes()["s1"]; got != (redisops.HoldOutcomes{Converted: 1, Expired: 1}) {
		t.Fatalf("outcomes %+v: flashtop's release is one ended in time, the not_found one expired", got)
	}
}

// TestTrackerOverlappingOwnReleases: two releases of one hold in flight at
// once (a double press): the one that took the hold settles first, the
// other finds nothing; the hold was flashtop's release, never a leak.
func TestTrackerOverlappingOwnReleases(t *testing.T) {
	tr := NewTracker(time.Second)
	h := trackedHoldAt("s1", "u", 3, 2*time.Second, t0)
	tr.Seen([]redisops.Hold{h}, t0)
	tr.Own(h.Key)
	tr.Own(h.Key)
	tr.Gone(h.Key, redisops.Vanish{At: t0.Add(5 * time.Second)}) // noticed late, past its deadline
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
