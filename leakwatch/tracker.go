package leakwatch

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"flashtop/redisops"
)

// trackedHold is what the tracker remembers of one live hold.
type trackedHold struct {
	h        redisops.Hold
	stamp    string
	deadline time.Time // zero: no TTL (never expires, never leaks)
}

// Tracker is the leak watch's memory (pure: no I/O). It remembers every hold
// it is shown, with its quantity and deadline (server time), and classifies
// each hold that vanishes (redisops.Vanish, classify): a verified or an
// unverified leak, or a release. Holds that flashtop itself releases (Own,
// then Settle) never leak. Both hold shapes are tracked; holds without a
// positive quantity are not (their units are unknown). Safe for concurrent
// use.
type Tracker struct {
	skew time.Duration

	mu      sync.Mutex
	holds   map[string]trackedHold
	own     map[string]int       // keys flashtop is releasing right now
	ownGone map[string]ownVanish // owned keys that vanished before Settle
	totals  map[string]redisops.LeakTotals
	ended   map[string]int64 // per sale: holds that ended before their deadline (converted)
	pending []redisops.Leak  // observed, not drained yet
}

// ownVanish is an owned hold that vanished while its release was in flight.
type ownVanish struct {
	t trackedHold
	v redisops.Vanish
}

// NewTracker returns an empty tracker; skew is the clock margin of a Vanish
// that carries none (<= 0 takes redisops.DefaultLeakSkew).
func NewTracker(skew time.Duration) *Tracker {
	if skew <= 0 {
		skew = redisops.DefaultLeakSkew
	}
	return &Tracker{skew: skew, holds: map[string]trackedHold{}, own: map[string]int{},
		ownGone: map[string]ownVanish{}, totals: map[string]redisops.LeakTotals{}, ended: map[string]int64{}}
}

// Seen remembers holds read at at (their TTLs count from at). A hold whose
// key is known under another stamp is a new hold on the same key: the old
// one vanished at at and is classified first.
func (t *Tracker) Seen(holds []redisops.Hold, at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, h := range holds {
		t.seenLocked(h, at)
	}
}

func (t *Tracker) seenLocked(h redisops.Hold, at time.Time) {
	if h.Key == "" || h.Quantity <= 0 {
		return
	}
	th := trackedHold{h: h, stamp: redisops.HoldStamp(h)}
	switch {
	case !h.Deadline.IsZero():
		th.deadline = h.Deadline
	case h.TTLMs >= 0:
		th.deadline = at.Add(time.Duration(h.TTLMs) * time.Millisecond)
	}
	if old, ok := t.holds[h.Key]; ok && old.stamp != th.stamp {
		t.goneLocked(h.Key, redisops.Vanish{At: at}) // replaced: the old hold ended by at (a read saw the new one)
	}
	t.holds[h.Key] = th
}

// Observe is Seen for a list that is complete for the sales complete says:
// a remembered hold of such a sale that is not in holds vanished at at.
func (t *Tracker) Observe(holds []redisops.Hold, complete func(sale string) bool, at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	present := make(map[string]bool, len(holds))
	for _, h := range holds {
		present[h.Key] = true
		t.seenLocked(h, at)
	}
	for key, th := range t.holds {
		if !present[key] && complete(th.h.Sale) {
			t.goneLocked(key, redisops.Vanish{At: at})
		}
	}
}

// ObserveSnapshot feeds a snapshot: its Reservations are complete for a sale
// when they list as many holds as the sale's row counts (a sale without a row
// has none), since the dashboard's poller lists only some sales' holds.
func (t *Tracker) ObserveSnapshot(s *redisops.Snapshot) {
	if s == nil {
		return
	}
	listed := map[string]int64{}
	for _, h := range s.Reservations {
		listed[h.Sale]++
	}
	counted := map[string]int64{}
	for _, row := range s.Sales {
		counted[row.ID] = row.Reservations
	}
	t.Observe(s.Reservations, func(sale string) bool { return listed[sale] == counted[sale] }, s.TakenAt)
}

// Gone says key's hold ended as v says and classifies it. It reports the
// leak, if it was one.
func (t *Tracker) Gone(key string, v redisops.Vanish) (redisops.Leak, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.goneLocked(key, v)
}

func (t *Tracker) goneLocked(key string, v redisops.Vanish) (redisops.Leak, bool) {
	th, ok := t.holds[key]
	if !ok {
		return redisops.Leak{}, false
	}
	delete(t.holds, key)
	if t.own[key] > 0 {
		t.ownGone[key] = ownVanish{t: th, v: v}
		return redisops.Leak{}, false
	}
	return t.classify(th, v)
}

// classify decides whether th's end, observed as v, was a leak (the doc of
// redisops.Vanish): expired or evicted, or provably after its deadline (a
// lower bound past it, with the feed unbroken), is a verified leak; provably
// before its deadline, or deleted, a release; otherwise, once the deadline
// has passed, an unverified leak (it may have been released: never
// reclaimed by default). Redis expires a key only once its millisecond
// clock is past the deadline, so a release can still come within the
// deadline's millisecond: only a lower bound a millisecond past it proves
// an expiry.
func (t *Tracker) classify(th trackedHold, v redisops.Vanish) (redisops.Leak, bool) {
	class := ""
	before := v.Before
	if before.IsZero() {
		before = v.At
	}
	switch {
	case v.Expired:
		class = redisops.LeakVerified
	case v.Deleted || th.deadline.IsZero():
	case !before.IsZero() && before.Before(th.deadline):
		// ended before its deadline: released or checked out
	case v.Seen && !v.NotBefore.IsZero() && !v.NotBefore.Before(th.deadline.Add(time.Millisecond)):
		class = redisops.LeakVerified
	default:
		class = redisops.LeakUnverified
	}
	if class == "" {
		if !th.deadline.IsZero() || v.Deleted {
			t.ended[th.h.Sale]++ // ended in time: released, checked out or deleted
		}
		return redisops.Leak{}, false // released, checked out or deleted before its time
	}
	l := redisops.Leak{Sale: th.h.Sale, User: th.h.User, Key: th.h.Key, Shape: th.h.Shape, Quantity: th.h.Quantity,
		Stamp: th.stamp, Deadline: th.deadline, At: v.At, Class: class}
	if l.At.IsZero() {
		l.At = before
	}
	tot := t.totals[l.Sale]
	tot.Units = redisops.AddSaturating(tot.Units, l.Quantity)
	tot.Holds++
	if class == redisops.LeakUnverified {
		tot.UnverifiedUnits = redisops.AddSaturating(tot.UnverifiedUnits, l.Quantity)
		tot.UnverifiedHolds++
	}
	t.totals[l.Sale] = tot
	t.pending = append(t.pending, l)
	return l, true
}

// Own marks key as being released by flashtop: if it vanishes before the
// matching Settle, it is not a leak (unless Settle says it was not released).
func (t *Tracker) Own(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.own[key]++
}

// Settle ends an Own: released says whether flashtop's release took the hold
// (then the hold is forgotten: however late a poll notices it gone, it was
// released). When it did not (not_found: the hold had expired first) and the
// hold vanished meanwhile, it is classified now as any other.
func (t *Tracker) Settle(key string, released bool) (redisops.Leak, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.own[key]--; t.own[key] <= 0 {
		delete(t.own, key)
	}
	if released {
		if th, ok := t.holds[key]; ok {
			t.ended[th.h.Sale]++ // released by flashtop, in time
		} else if g, ok := t.ownGone[key]; ok {
			t.ended[g.t.h.Sale]++
		}
		delete(t.holds, key) // gone now, whenever a poll notices: not a leak
		// It vanished through this release, even while another Own of the
		// key is in flight (whose Settle would find nothing to release).
		delete(t.ownGone, key)
		return redisops.Leak{}, false
	}
	g, ok := t.ownGone[key]
	if !ok || t.own[key] > 0 {
		return redisops.Leak{}, false
	}
	delete(t.ownGone, key)
	return t.classify(g.t, g.v)
}

// Totals returns, per sale, the leaks this tracker observed (Units, Holds).
func (t *Tracker) Totals() map[string]redisops.LeakTotals {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make(map[string]redisops.LeakTotals, len(t.totals))
	for k, v := range t.totals {
		out[k] = v
	}
	return out
}

// Outcomes returns, per sale, how the holds this tracker watched ended:
// converted (before their deadline) and expired (its leaks).
func (t *Tracker) Outcomes() map[string]redisops.HoldOutcomes {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make(map[string]redisops.HoldOutcomes, len(t.ended)+len(t.totals))
	for s, n := range t.ended {
		o := out[s]
		o.Converted = n
		out[s] = o
	}
	for s, tot := range t.totals {
		o := out[s]
		o.Expired = tot.Holds
		out[s] = o
	}
	return out
}

// Drain returns the leaks observed since the last Drain, oldest first.
func (t *Tracker) Drain() []redisops.Leak {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := t.pending
	t.pending = nil
	slices.SortStableFunc(out, func(a, b redisops.Leak) int { return a.At.Compare(b.At) })
	return out
}

// Tracked is the number of live holds remembered.
func (t *Tracker) Tracked() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.holds)
}

// requeue puts leaks whose record failed back ahead of the pending ones
// (Watch.Feed).
func (t *Tracker) requeue(leaks []redisops.Leak) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.pending = append(append([]redisops.Leak(nil), leaks...), t.pending...)
}

// SortedSales returns the sale ids of totals in order.
func SortedSales(totals map[string]redisops.LeakTotals) []string {
	out := make([]string, 0, len(totals))
	for s := range totals {
		out = append(out, s)
	}
	slices.SortFunc(out, cmp.Compare[string])
	return out
}

// The dashboard's poller and audit --watch tell the tracker of every hold
// their hold index learns and loses.
var _ redisops.HoldObserver = (*Tracker)(nil)
