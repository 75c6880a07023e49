package ui

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"flashtop/redisops"
	"flashtop/ui/panels"
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

// Under steady expiry a sale's leak line grows over consecutive ticks
// instead of repeating, and moves to the bottom as it grows; a pause of
// more than leakRunGap, or a line older than leakRunSpan, starts a new one.
// A tick delivered again (a replay stepping back) is not counted twice.
func TestLeakLinesCoalesceOverTicks(t *testing.T) {
	var m Model
	n := 0
	tick := func(at time.Duration, sales ...string) *redisops.Snapshot {
		s := &redisops.Snapshot{TakenAt: t0.Add(at)}
		for _, sale := range sales {
			n++
			user := "u" + strconv.Itoa(n)
			s.Leaks = append(s.Leaks, redisops.WatchedLeak{Leak: redisops.Leak{Sale: sale, User: user,
				Key: "reservation:" + user + ":" + sale, Quantity: 2, Class: redisops.LeakVerified, At: t0.Add(at)}, Recorded: true})
		}
		m.logLeaks(s)
		return s
	}
	lines := func() []string {
		out := make([]string, len(m.log))
		for i, e := range m.log {
			out[i] = e.Command
		}
		return out
	}
	tick(0, "s1")
	tick(time.Second, "s1", "s2")
	m.appendLog(panels.LogEntry{At: t0.Add(time.Second), Command: "reserve --sale s1 --user bob", Status: "reserved", OK: true})
	again := tick(2*time.Second, "s1")
	m.logLeaks(again) // delivered twice
	want := []string{
		"s2: 1 hold expired, 2 units lost · reservation:u3:s2",
		"reserve --sale s1 --user bob",
		"s1: 3 holds expired, 6 units lost · in the last 2s",
	}
	if got := lines(); !slices.Equal(got, want) {
		t.Fatalf("log after three ticks:\n%q\nwant\n%q", got, want)
	}
	if last := m.log[len(m.log)-1]; !last.At.Equal(t0.Add(2*time.Second)) || last.Status != leakStatus {
		t.Errorf("s1's line %+v: want it at its last leak, status %q", last, leakStatus)
	}
	tick(2*time.Second+leakRunGap+time.Second, "s1") // a pause: a new line
	if got := lines(); len(got) != 4 || got[3] != "s1: 1 hold expired, 2 units lost · reservation:u5:s1" {
		t.Fatalf("after a pause: %q", got)
	}
	for i := range 70 { // one a second from then: a line covers a minute at most
		tick(13*time.Second+time.Duration(i)*time.Second, "s1")
	}
	got := lines()
	if len(got) != 5 || got[3] != "s1: 62 holds expired, 124 units lost · in the last 60s" ||
		got[4] != "s1: 9 holds expired, 18 units lost · in the last 8s" {
		t.Fatalf("a long run:\n%q", got)
	}
}
