package ui

import (
	"testing"
	"time"

	"flashtop/redisops"
)

// One tick's leaks are one line per sale, in sale order, with counted nouns
// and the unverified units; a single hold names its key.
func TestLeakEntriesGroupPerSale(t *testing.T) {
	leak := func(sale, user string, qty int64, class string, recorded bool, at time.Duration) redisops.WatchedLeak {
		return redisops.WatchedLeak{Leak: redisops.Leak{Sale: sale, User: user, Key: "reservation:" + user + ":" + sale,
			Quantity: qty, Class: class, At: t0.Add(at)}, Recorded: recorded}
	}
	got := leakEntries([]redisops.WatchedLeak{
		leak("s2", "u9", 1, redisops.LeakVerified, true, 0),
		leak("s1", "u1", 3, redisops.LeakVerified, true, time.Second),
		leak("s1", "u2", 2, redisops.LeakUnverified, true, 3*time.Second),
		leak("s1", "u3", 2, redisops.LeakVerified, false, 2*time.Second),
	})
	want := []string{
		"s1: 3 holds expired, 7 units lost (2 unverified) · 1 recorded first by another flashtop",
		"s2: 1 hold expired, 1 unit lost · reservation:u9:s2",
	}
	if len(got) != len(want) {
		t.Fatalf("%d entries %+v, want %d", len(got), got, len(want))
	}
	for i, e := range got {
		if e.Command != want[i] || e.Status != leakStatus || e.OK {
			t.Errorf("entry %d: %+v, want %q", i, e, want[i])
		}
	}
	if !got[0].At.Equal(t0.Add(3 * time.Second)) {
		t.Errorf("s1's line is at %v, want its last leak's time", got[0].At)
	}
	if len(leakEntries(nil)) != 0 {
		t.Error("no leaks, no lines")
	}
}
