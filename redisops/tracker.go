package redisops

import (
	"cmp"
	"slices"
	"strconv"
	"sync"
	"time"
)

// DefaultLeakSkew is the clock margin a Vanish that carries none is judged
// with: the most the server clock estimate may be off (maxClockMargin).
const DefaultLeakSkew = maxClockMargin

// Vanish is how a hold's end was observed. At is in server time.
//
// Redis never removes a key before its deadline (it expires a key when its
// millisecond clock is past the deadline), and once the deadline has passed
// any command on the key, DEL included, first expires it: a removal before
// the deadline was a release (or a checkout), one at or after it an expiry.
// So a removal that was pushed (the feed) or notified as it happened is
// classified exactly, within the margin of the clock estimate; one that was
// only found later (a read or a walk found the key gone) is known to be
// before its deadline when it was found before it, and otherwise unverified.
type Vanish struct {
	At time.Time
	// Seen says At is when the removal was pushed or notified, with the feed
	// unbroken since the hold was last read.
	Seen bool
	// Expired and Deleted say a keyspace notification named the event
	// (expired or evicted; del or unlink).
	Expired, Deleted bool
	// Margin is the uncertainty of At (the server clock estimate); zero
	// takes the tracker's.
	Margin time.Duration
}

// NoStamp is the stamp of a hold that says neither reserved_at nor expiresAt.
const NoStamp = "none"

// Leak is one hold that expired while its units were still taken from stock
// (backend-contract.md, Expiry): the backend never gives them back.
type Leak struct {
	Sale     string    `json:"sale"`
	User     string    `json:"user"`
	Key      string    `json:"key"`      // the hold key
	Shape    string    `json:"shape"`    // HoldShapeHash or HoldShapeJSON
	Quantity int64     `json:"quantity"` // the units lost
	Stamp    string    `json:"stamp"`    // reserved_at in unix seconds (NoStamp when unknown): names the leak with Key
	Deadline time.Time `json:"deadline"` // when the hold was due to expire
	At       time.Time `json:"at"`       // when its vanishing was observed
	// Class says how sure the leak is: LeakVerified (its end was seen at or
	// after its deadline, as it happened) or LeakUnverified (its end was not
	// seen as it happened: it may have been released). Only verified leaks
	// are reclaimed unless the operator asks for more.
	Class string `json:"class"`
}

// Leak classes (Leak.Class, the ledger and JSON; DESIGN.md §5).
const (
	LeakVerified   = "verified"
	LeakUnverified = "unverified"
)

// LeakTotals are one sale's leaks: not reclaimed yet (Units, Holds) and
// already given back (ReclaimedUnits, ReclaimedHolds).
type LeakTotals struct {
	Units int64 `json:"units"`
	Holds int64 `json:"holds"`
	// UnverifiedUnits and UnverifiedHolds are the part of Units and Holds
	// whose end was not seen as it happened (LeakUnverified).
	UnverifiedUnits int64 `json:"unverified_units"`
	UnverifiedHolds int64 `json:"unverified_holds"`
	ReclaimedUnits  int64 `json:"reclaimed_units"`
	ReclaimedHolds  int64 `json:"reclaimed_holds"`
}

// trackedHold is what the tracker remembers of one live hold.
type trackedHold struct {
	h        Hold
	stamp    string
	deadline time.Time // zero: no TTL (never expires, never leaks)
}

// Tracker is the leak watch's memory (pure: no I/O). It remembers every hold
// it is shown, with its quantity and deadline (server time), and classifies
// each hold that vanishes (Vanish, classify): a verified or an unverified
// leak, or a release. Holds
// that flashtop itself releases (Own, then Settle) never leak. Both hold
// shapes are tracked; holds without a positive quantity are not (their units
// are unknown). Safe for concurrent use.
type Tracker struct {
	skew time.Duration

	mu      sync.Mutex
	holds   map[string]trackedHold
	own     map[string]int       // keys flashtop is releasing right now
	ownGone map[string]ownVanish // owned keys that vanished before Settle
	totals  map[string]LeakTotals
	pending []Leak // observed, not drained yet
}

// ownVanish is an owned hold that vanished while its release was in flight.
type ownVanish struct {
	t trackedHold
	v Vanish
}

// NewTracker returns an empty tracker; skew is the clock margin of a Vanish
// that carries none (<= 0 takes DefaultLeakSkew).
func NewTracker(skew time.Duration) *Tracker {
	if skew <= 0 {
		skew = DefaultLeakSkew
	}
	return &Tracker{skew: skew, holds: map[string]trackedHold{}, own: map[string]int{},
		ownGone: map[string]ownVanish{}, totals: map[string]LeakTotals{}}
}

// HoldStamp is the stamp that, with the hold key, names one hold across
// watchers: its reserved_at in unix seconds (a JSON hold's is its expiresAt
// less 300 s), or NoStamp.
func HoldStamp(h Hold) string {
	if h.ReservedAt == nil {
		return NoStamp
	}
	return strconv.FormatInt(h.ReservedAt.Unix(), 10)
}

// Seen remembers holds read at at (their TTLs count from at). A hold whose
// key is known under another stamp is a new hold on the same key: the old
// one vanished at at and is classified first.
func (t *Tracker) Seen(holds []Hold, at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, h := range holds {
		t.seenLocked(h, at)
	}
}

func (t *Tracker) seenLocked(h Hold, at time.Time) {
	if h.Key == "" || h.Quantity <= 0 {
		return
	}
	th := trackedHold{h: h, stamp: HoldStamp(h)}
	switch {
	case !h.Deadline.IsZero():
		th.deadline = h.Deadline
	case h.TTLMs >= 0:
		th.deadline = at.Add(time.Duration(h.TTLMs) * time.Millisecond)
	}
	if old, ok := t.holds[h.Key]; ok && old.stamp != th.stamp {
		t.goneLocked(h.Key, Vanish{At: at}) // replaced: the old hold ended by at (a read saw the new one)
	}
	t.holds[h.Key] = th
}

// Observe is Seen for a list that is complete for the sales complete says:
// a remembered hold of such a sale that is not in holds vanished at at.
func (t *Tracker) Observe(holds []Hold, complete func(sale string) bool, at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	present := make(map[string]bool, len(holds))
	for _, h := range holds {
		present[h.Key] = true
		t.seenLocked(h, at)
	}
	for key, th := range t.holds {
		if !present[key] && complete(th.h.Sale) {
			t.goneLocked(key, Vanish{At: at})
		}
	}
}

// ObserveSnapshot feeds a snapshot: its Reservations are complete for a sale
// when they list as many holds as the sale's row counts (a sale without a row
// has none), since the dashboard's poller lists only some sales' holds.
func (t *Tracker) ObserveSnapshot(s *Snapshot) {
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
func (t *Tracker) Gone(key string, v Vanish) (Leak, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.goneLocked(key, v)
}

func (t *Tracker) goneLocked(key string, v Vanish) (Leak, bool) {
	th, ok := t.holds[key]
	if !ok {
		return Leak{}, false
	}
	delete(t.holds, key)
	if t.own[key] > 0 {
		t.ownGone[key] = ownVanish{t: th, v: v}
		return Leak{}, false
	}
	return t.classify(th, v)
}

// classify decides whether th's end, observed as v, was a leak (module doc
// of Vanish): expired or evicted, or seen at or after its deadline (within
// the margin), is a verified leak; found gone after its deadline without
// being seen, an unverified one; anything before its deadline, or deleted,
// a release.
func (t *Tracker) classify(th trackedHold, v Vanish) (Leak, bool) {
	margin := v.Margin
	if margin <= 0 {
		margin = t.skew
	}
	class := ""
	switch {
	case v.Expired:
		class = LeakVerified
	case v.Deleted || th.deadline.IsZero():
	case v.Seen && !v.At.Before(th.deadline.Add(time.Millisecond-margin)):
		class = LeakVerified
	case !v.Seen && !v.At.Before(th.deadline):
		class = LeakUnverified
	}
	if class == "" {
		return Leak{}, false // released, checked out or deleted before its time
	}
	l := Leak{Sale: th.h.Sale, User: th.h.User, Key: th.h.Key, Shape: th.h.Shape, Quantity: th.h.Quantity,
		Stamp: th.stamp, Deadline: th.deadline, At: v.At, Class: class}
	tot := t.totals[l.Sale]
	tot.Units += l.Quantity
	tot.Holds++
	if class == LeakUnverified {
		tot.UnverifiedUnits += l.Quantity
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
func (t *Tracker) Settle(key string, released bool) (Leak, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.own[key]--; t.own[key] <= 0 {
		delete(t.own, key)
	}
	if released {
		delete(t.holds, key) // gone now, whenever a poll notices: not a leak
		// It vanished through this release, even while another Own of the
		// key is in flight (whose Settle would find nothing to release).
		delete(t.ownGone, key)
		return Leak{}, false
	}
	g, ok := t.ownGone[key]
	if !ok || t.own[key] > 0 {
		return Leak{}, false
	}
	delete(t.ownGone, key)
	return t.classify(g.t, g.v)
}

// Totals returns, per sale, the leaks this tracker observed (Units, Holds).
func (t *Tracker) Totals() map[string]LeakTotals {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make(map[string]LeakTotals, len(t.totals))
	for k, v := range t.totals {
		out[k] = v
	}
	return out
}

// Drain returns the leaks observed since the last Drain, oldest first.
func (t *Tracker) Drain() []Leak {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := t.pending
	t.pending = nil
	slices.SortStableFunc(out, func(a, b Leak) int { return a.At.Compare(b.At) })
	return out
}

// Tracked is the number of live holds remembered.
func (t *Tracker) Tracked() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.holds)
}

// SortedSales returns the sale ids of totals in order.
func SortedSales(totals map[string]LeakTotals) []string {
	out := make([]string, 0, len(totals))
	for s := range totals {
		out = append(out, s)
	}
	slices.SortFunc(out, cmp.Compare[string])
	return out
}

// HoldObserver is told of every hold a hold index learns (Seen, at in server
// time) and loses (Gone, with how its end was observed). *Tracker satisfies
// it; the dashboard's poller calls it so that the leak watch covers every
// sale, not only the holds a snapshot lists.
type HoldObserver interface {
	Seen(holds []Hold, at time.Time)
	Gone(key string, v Vanish) (Leak, bool)
}

var _ HoldObserver = (*Tracker)(nil)
