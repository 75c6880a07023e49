package redisops

import (
	"cmp"
	"slices"
	"strconv"
	"sync"
	"time"
)

// DefaultLeakSkew is how early before its estimated deadline a hold may
// vanish and still count as expired (a leak). The deadline is a PTTL read
// plus the time of that read, and Redis never expires a key early, so the
// skew only has to cover rounding and the read's round trip; it is kept
// small because a release noticed by a later poll is dated by that poll: a
// larger skew would count holds released less than a poll interval before
// their deadline as leaks.
const DefaultLeakSkew = 250 * time.Millisecond

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
// it is shown, with its quantity and deadline, and classifies each hold that
// vanishes: at or after its deadline (less the skew), or with an "expired"
// keyspace event, it leaked; earlier, it was released or checked out. Holds
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
	t  trackedHold
	at time.Time
}

// NewTracker returns an empty tracker; skew <= 0 takes DefaultLeakSkew.
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
	if h.TTLMs >= 0 {
		th.deadline = at.Add(time.Duration(h.TTLMs) * time.Millisecond)
	}
	if old, ok := t.holds[h.Key]; ok && old.stamp != th.stamp {
		t.goneLocked(h.Key, at, false)
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
			t.goneLocked(key, at, false)
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

// Gone says key vanished at at (expired: a keyspace "expired" event said so)
// and classifies it. It reports the leak, if it was one.
func (t *Tracker) Gone(key string, at time.Time, expired bool) (Leak, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.goneLocked(key, at, expired)
}

func (t *Tracker) goneLocked(key string, at time.Time, expired bool) (Leak, bool) {
	th, ok := t.holds[key]
	if !ok {
		return Leak{}, false
	}
	delete(t.holds, key)
	if t.own[key] > 0 {
		t.ownGone[key] = ownVanish{t: th, at: at}
		return Leak{}, false
	}
	return t.classify(th, at, expired)
}

// classify counts th as a leak when it vanished with an expired event, or at
// or after its deadline less the skew.
func (t *Tracker) classify(th trackedHold, at time.Time, expired bool) (Leak, bool) {
	if !expired && (th.deadline.IsZero() || at.Before(th.deadline.Add(-t.skew))) {
		return Leak{}, false // released, checked out or deleted before its time
	}
	l := Leak{Sale: th.h.Sale, User: th.h.User, Key: th.h.Key, Shape: th.h.Shape, Quantity: th.h.Quantity,
		Stamp: th.stamp, Deadline: th.deadline, At: at}
	tot := t.totals[l.Sale]
	tot.Units += l.Quantity
	tot.Holds++
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
	return t.classify(g.t, g.at, false)
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

// HoldObserver is told of every hold a hold index learns (Seen) and loses
// (Gone: expired is true for a keyspace "expired" event). *Tracker satisfies
// it; the dashboard's poller calls it so that the leak watch covers every
// sale, not only the holds a snapshot lists.
type HoldObserver interface {
	Seen(holds []Hold, at time.Time)
	Gone(key string, at time.Time, expired bool) (Leak, bool)
}

var _ HoldObserver = (*Tracker)(nil)
