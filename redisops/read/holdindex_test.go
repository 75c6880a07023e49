package read

import (
	"flashtop/redisops"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// naiveCount recounts sale's live holds from every entry of the index.
func naiveCount(x *holdIndex, sale string, now time.Time) saleCount {
	var c saleCount
	for _, e := range x.holds {
		if e.ref.Sale == sale && e.alive(now) {
			c.holds++
			c.units += e.quantity
		}
	}
	return c
}

// naiveSoonest sorts every live hold of sale and keeps the first n.
func naiveSoonest(x *holdIndex, sale string, n int, now time.Time) []holdRef {
	var es []*holdEntry
	for _, e := range x.holds {
		if e.ref.Sale == sale && e.alive(now) {
			es = append(es, e)
		}
	}
	slices.SortFunc(es, compareEntries)
	out := []holdRef{}
	for _, e := range es[:min(n, len(es))] {
		out = append(out, e.ref)
	}
	return out
}

// TestHoldIndexIncrementalMatchesRecount drives the index with random
// learns (new holds, re-reads with new quantities and TTLs, holds without a
// TTL), removals, walk ends and a clock that mostly moves forward and
// sometimes back; after every step each sale's count and visible rows must
// equal a full recount and sort of the index.
func TestHoldIndexIncrementalMatchesRecount(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		x := newHoldIndex()
		base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		now, walk := base, int64(1)
		sales := []string{"a", "b", "c"}
		for step := range rapid.IntRange(1, 120).Draw(rt, "steps") {
			sale := rapid.SampledFrom(sales).Draw(rt, "sale")
			user := fmt.Sprintf("u%d", rapid.IntRange(0, 15).Draw(rt, "user"))
			key := "reservation:" + user + ":" + sale
			switch rapid.IntRange(0, 5).Draw(rt, "op") {
			case 0, 1, 2:
				ttl := rapid.SampledFrom([]int64{-1, 0, 5, 1000, 3000, 60_000}).Draw(rt, "ttl")
				x.learn(redisops.Hold{Sale: sale, User: user, Key: key, Quantity: rapid.Int64Range(1, 3).Draw(rt, "qty"), TTLMs: ttl}, now, now, walk)
			case 3:
				x.remove(key, now, redisops.Vanish{At: now})
			case 4:
				now = now.Add(time.Duration(rapid.Int64Range(-500, 4000).Draw(rt, "dt")) * time.Millisecond)
			case 5:
				walk++
				x.prune(walk, now.Add(-time.Second), now, now)
			}
			n := rapid.IntRange(0, 6).Draw(rt, "rows")
			for _, s := range sales {
				if got, want := x.count(s, now), naiveCount(x, s, now); got != want {
					rt.Fatalf("step %d, sale %s: count %+v, recount %+v", step, s, got, want)
				}
				if got, want := x.soonest(s, n, now), naiveSoonest(x, s, n, now); !slices.Equal(got, want) {
					rt.Fatalf("step %d, sale %s: soonest %v, sorted %v", step, s, got, want)
				}
			}
		}
		for s, si := range x.sales {
			if len(si.entries) == 0 {
				rt.Fatalf("sale %s kept with no entries", s)
			}
			for i, e := range si.entries {
				if e.pos != i || x.holds[e.ref.Key] != e {
					rt.Fatalf("sale %s: entry %d (%s) out of place", s, i, e.ref.Key)
				}
			}
		}
	})
}

// TestHoldIndexCountsWithoutRecount pins the cheap path: once counted, a
// sale is not recounted from its entries until a deadline passes, however
// many holds come and go meanwhile.
func TestHoldIndexCountsWithoutRecount(t *testing.T) {
	x := newHoldIndex()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 1000 {
		x.learn(redisops.Hold{Sale: "s", User: fmt.Sprint(i), Key: fmt.Sprint("k", i), Quantity: 2, TTLMs: int64(10_000 + i)}, now, now, 1)
	}
	x.count("s", now)
	for i := range 100 {
		x.remove(fmt.Sprint("k", i), now, redisops.Vanish{At: now})
		x.learn(redisops.Hold{Sale: "s", User: "n", Key: fmt.Sprint("n", i), Quantity: 1, TTLMs: 60_000}, now, now, 1)
		if got, want := x.count("s", now.Add(time.Second)), (saleCount{holds: 1000, units: 2000 - int64(i+1)}); got != want {
			t.Fatalf("after %d swaps: count %+v, want %+v", i+1, got, want)
		}
	}
	if s := x.sales["s"]; s.scanned != 1 || s.hit != 100 {
		t.Fatalf("recounts %d, cheap counts %d; want 1 and 100", s.scanned, s.hit)
	}
	if got := x.count("s", now.Add(10_500*time.Millisecond)); got != (saleCount{holds: 599, units: 1098}) {
		t.Fatalf("after 401 more deadlines passed: %+v, want 599 holds, 1098 units", got)
	}
	if s := x.sales["s"]; s.scanned != 2 {
		t.Fatalf("recounts %d, want 2", s.scanned)
	}
}

// orderObserver records the order it is told of holds, holding up the first
// Seen until release is closed.
type orderObserver struct {
	mu      sync.Mutex
	calls   []string
	entered chan struct{}
	release chan struct{}
}

func (o *orderObserver) Seen(holds []redisops.Hold, _ time.Time) {
	if o.entered != nil {
		close(o.entered)
		o.entered = nil
		<-o.release
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.calls = append(o.calls, "seen "+holds[0].Key)
}

func (o *orderObserver) Gone(key string, _ redisops.Vanish) (redisops.Leak, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.calls = append(o.calls, "gone "+key)
	return redisops.Leak{}, false
}

// TestHoldIndexObserverHearsInOrder: a removal (the event goroutine) that
// follows a learn (the tick) reaches the observer after that learn's Seen,
// never before it: otherwise the leak watch would keep a hold the index has
// already dropped.
func TestHoldIndexObserverHearsInOrder(t *testing.T) {
	x := newHoldIndex()
	o := &orderObserver{entered: make(chan struct{}), release: make(chan struct{})}
	x.setObserver(o)
	entered := o.entered
	t0 := time.Now()
	h := redisops.Hold{Sale: "s", User: "u", Key: "reservation:u:s", Quantity: 1, TTLMs: 60_000, Shape: redisops.HoldShapeHash}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); x.learn(h, t0, t0, 1) }()
	<-entered
	go func() {
		defer wg.Done()
		x.remove(h.Key, t0.Add(time.Millisecond), redisops.Vanish{At: t0.Add(time.Millisecond)})
	}()
	time.Sleep(50 * time.Millisecond) // room for the removal to overtake, if it could
	close(o.release)
	wg.Wait()
	if want := []string{"seen " + h.Key, "gone " + h.Key}; !slices.Equal(o.calls, want) {
		t.Fatalf("observer heard %v, want %v", o.calls, want)
	}
	if x.size() != 0 {
		t.Fatalf("index keeps %d holds after the removal", x.size())
	}
}

// A push dates an end as seen only when the feed had no gap between the
// hold's last read and the push: across a gap the hold may have been
// rewritten unseen (a new reserve with a later deadline), so the end is then
// not seen (the leak watch makes it unverified, never verified).
func TestHoldIndexGapMakesEndsUnverified(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	for _, c := range []struct {
		name                 string
		readEpoch, pushEpoch int64
		seen                 bool
	}{
		{"no gap", 1, 1, true},
		{"gap between read and push", 1, 2, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			x := newHoldIndex()
			obs := &vanishObserver{}
			x.setObserver(obs)
			x.setFeed(c.readEpoch, true, time.Millisecond)
			h := redisops.Hold{Sale: "s", User: "u", Key: "reservation:u:s", Quantity: 2, TTLMs: 10_000, Deadline: t0.Add(10 * time.Second)}
			x.learn(h, t0, t0, 1)
			x.setFeed(c.pushEpoch, true, time.Millisecond)
			m := dirtyMark{pushed: true, before: t0.Add(11 * time.Second), notBefore: t0.Add(10500 * time.Millisecond), epoch: c.pushEpoch}
			x.goneDirty(h.Key, m, t0.Add(12*time.Second), t0.Add(12*time.Second))
			e := obs.ends
			if len(e) != 1 || e[0].Seen != c.seen || !e[0].Before.Equal(m.before) || e[0].NotBefore.IsZero() == c.seen {
				t.Fatalf("ends %+v, want one bounded by the push, Seen %v (a lower bound only when seen)", e, c.seen)
			}
		})
	}
}

// vanishObserver records the ends a hold index reports.
type vanishObserver struct {
	ends []redisops.Vanish
	seen []redisops.Hold
}

func (o *vanishObserver) Seen(h []redisops.Hold, _ time.Time) { o.seen = append(o.seen, h...) }
func (o *vanishObserver) Gone(_ string, v redisops.Vanish) (redisops.Leak, bool) {
	o.ends = append(o.ends, v)
	return redisops.Leak{}, false
}

// The first push since a hold's last read dates its end: a release 300 ms
// before the deadline, then a new reserve and its cancel after the old
// deadline, all before the next read, is a release (not a leak dated by the
// later pushes); and a release followed by a new reserve read as a new hold
// reports the old one's end at the release's push, before the new one.
func TestHoldIndexFirstPushDatesTheEnd(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	d := t0.Add(10 * time.Second)
	ms := time.Millisecond
	release := dirtyMark{pushed: true, before: d.Add(-300 * ms), notBefore: d.Add(-301 * ms), epoch: 1}
	later := dirtyMark{pushed: true, before: d.Add(100 * ms), notBefore: d.Add(50 * ms), epoch: 1}
	h := redisops.Hold{Sale: "s", User: "u", Key: "reservation:u:s", Quantity: 2, TTLMs: 10_000, Deadline: d}
	stamp := t0
	h.ReservedAt = &stamp

	x := newHoldIndex()
	obs := &vanishObserver{}
	x.setObserver(obs)
	x.setFeed(1, true, ms)
	x.learn(h, t0, t0, 1)
	x.markPushed(h.Key, release)
	x.markPushed(h.Key, later)
	dk := x.takeDirty(10)
	if len(dk) != 1 || dk[0].mark.before != release.before {
		t.Fatalf("dirty %+v: the first push must be kept", dk)
	}
	x.goneDirty(h.Key, dk[0].mark, t0.Add(11*time.Second), d.Add(200*ms))
	if len(obs.ends) != 1 || !obs.ends[0].Before.Equal(release.before) {
		t.Fatalf("ends %+v, want the release's bound", obs.ends)
	}

	x = newHoldIndex()
	obs = &vanishObserver{}
	x.setObserver(obs)
	x.setFeed(1, true, ms)
	x.learn(h, t0, t0, 1)
	x.markPushed(h.Key, release)
	dk = x.takeDirty(10)
	h2 := h
	stamp2 := t0.Add(9 * time.Second)
	h2.ReservedAt, h2.Deadline, h2.Quantity = &stamp2, d.Add(299*time.Second), 1
	x.learnPushed(h2, t0.Add(11*time.Second), d.Add(800*ms), 1, &dk[0].mark)
	if len(obs.ends) != 1 || !obs.ends[0].Before.Equal(release.before) || len(obs.seen) != 2 {
		t.Fatalf("ends %+v seen %d: the old hold's end at the release's push, then the new hold", obs.ends, len(obs.seen))
	}
}

// upcomingDeadlines lists the distinct deadlines ahead (to the ms) from the
// per-second buckets, and follows holds as they are re-read and removed.
func TestHoldIndexUpcomingDeadlines(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	x := newHoldIndex()
	for i, off := range []time.Duration{500 * time.Millisecond, 500 * time.Millisecond, 1500 * time.Millisecond, 7 * time.Second} {
		h := redisops.Hold{Sale: "s", User: fmt.Sprint(i), Key: fmt.Sprint("k", i), Quantity: 1, TTLMs: off.Milliseconds(), Deadline: t0.Add(off)}
		x.learn(h, t0, t0, 1)
	}
	got := x.upcomingDeadlines(t0, t0.Add(5*time.Second))
	if len(got) != 2 || !got[0].Equal(t0.Add(500*time.Millisecond)) || !got[1].Equal(t0.Add(1500*time.Millisecond)) {
		t.Fatalf("deadlines %v", got)
	}
	x.remove("k2", t0, redisops.Vanish{})
	h := redisops.Hold{Sale: "s", User: "0", Key: "k0", Quantity: 1, TTLMs: 3000, Deadline: t0.Add(3 * time.Second)}
	x.learn(h, t0.Add(time.Millisecond), t0, 1) // re-read with a later deadline
	got = x.upcomingDeadlines(t0, t0.Add(5*time.Second))
	if len(got) != 2 || !got[0].Equal(t0.Add(500*time.Millisecond)) || !got[1].Equal(t0.Add(3*time.Second)) {
		t.Fatalf("after a removal and a re-read: %v", got)
	}
}
