package read

import (
	"math"
	"math/bits"
	"time"
)

// saleCount is one sale's holds and held units.
type saleCount struct{ holds, units int64 }

// wideSum is a signed 128-bit sum of quantities: adding and taking away
// entries never overflows, whatever they hold, and its value is read held
// at the int64 bounds (a sale's units are never reported negative because
// of a wrap).
type wideSum struct{ hi, lo uint64 }

// add adds n (negative: takes it away).
func (w *wideSum) add(n int64) {
	var carry uint64
	w.lo, carry = bits.Add64(w.lo, uint64(n), 0)
	ext := uint64(0)
	if n < 0 {
		ext = math.MaxUint64 // n sign-extended to 128 bits
	}
	w.hi, _ = bits.Add64(w.hi, ext, carry)
}

// sub is w - o.
func (w wideSum) sub(o wideSum) wideSum {
	lo, borrow := bits.Sub64(w.lo, o.lo, 0)
	hi, _ := bits.Sub64(w.hi, o.hi, borrow)
	return wideSum{hi: hi, lo: lo}
}

// int64 is the sum held at the int64 bounds.
func (w wideSum) int64() int64 {
	switch {
	case w.hi == 0 && w.lo <= math.MaxInt64:
		return int64(w.lo)
	case w.hi == math.MaxUint64 && w.lo > math.MaxInt64:
		return int64(w.lo) // a negative value that fits
	case int64(w.hi) < 0:
		return math.MinInt64
	}
	return math.MaxInt64
}

// tally is a number of holds and their units.
type tally struct {
	holds int64
	units wideSum
}

// saleIndex is one sale's share of the hold index: its entries (in no
// order) and their totals, kept as entries come and go. A hold whose deadline
// passed still sits in the index until an event, a read or the walk's end
// removes it, but no longer counts: the expired share is computed at one
// instant (at) and then kept current incrementally, so it is recomputed from
// the entries only when the clock passes the next deadline (next) or moves
// back. The holdIndex's mutex guards it.
type saleIndex struct {
	entries      []*holdEntry
	all          tally     // every entry, alive or not
	fresh        bool      // at, expired and next hold
	at           time.Time // the instant expired is for
	expired      tally     // the entries whose deadline is at or before at
	next         time.Time // no entry's deadline falls in (at, next) (zero: none after at)
	scanned, hit int64     // recounts and cheap counts (tests)
}

// expiredAt reports whether a deadline (zero: none) has passed at t.
func expiredAt(deadline, t time.Time) bool {
	return !deadline.IsZero() && !t.Before(deadline)
}

// attach adds e to its sale (x.mu held).
func (x *holdIndex) attach(e *holdEntry) {
	s := x.sales[e.ref.Sale]
	if s == nil {
		s = &saleIndex{}
		x.sales[e.ref.Sale] = s
	}
	e.pos = len(s.entries)
	s.entries = append(s.entries, e)
	s.account(e, 1)
	x.bucket(e, true)
}

// bucket files e under its deadline's second (add) or takes it out, so that
// upcomingDeadlines reads only the few seconds ahead, not every hold (x.mu
// held).
func (x *holdIndex) bucket(e *holdEntry, add bool) {
	if e.deadline.IsZero() {
		return
	}
	sec := e.deadline.Unix()
	if x.byDeadline == nil {
		x.byDeadline = map[int64]map[*holdEntry]struct{}{}
	}
	b := x.byDeadline[sec]
	switch {
	case add && b == nil:
		x.byDeadline[sec] = map[*holdEntry]struct{}{e: {}}
	case add:
		b[e] = struct{}{}
	case b != nil:
		delete(b, e)
		if len(b) == 0 {
			delete(x.byDeadline, sec)
		}
	}
}

// detach takes e out of its sale (x.mu held); a sale left with no entries
// is dropped.
func (x *holdIndex) detach(e *holdEntry) {
	s := x.sales[e.ref.Sale]
	if s == nil || e.pos >= len(s.entries) || s.entries[e.pos] != e {
		return
	}
	last := len(s.entries) - 1
	s.entries[e.pos] = s.entries[last]
	s.entries[e.pos].pos = e.pos
	s.entries[last] = nil
	s.entries = s.entries[:last]
	s.account(e, -1)
	x.bucket(e, false)
	if len(s.entries) == 0 {
		delete(x.sales, e.ref.Sale)
	}
}

// account adds (sign 1) or takes away (sign -1) e's hold and units.
func (s *saleIndex) account(e *holdEntry, sign int64) {
	s.all.holds += sign
	s.all.units.add(sign * e.quantity)
	if !s.fresh {
		return
	}
	switch {
	case expiredAt(e.deadline, s.at):
		s.expired.holds += sign
		s.expired.units.add(sign * e.quantity)
	case sign > 0 && !e.deadline.IsZero() && (s.next.IsZero() || e.deadline.Before(s.next)):
		s.next = e.deadline
	}
}

// live returns the holds alive at now and their units.
func (s *saleIndex) live(now time.Time) saleCount {
	if !s.fresh || now.Before(s.at) || (!s.next.IsZero() && !now.Before(s.next)) {
		s.recount(now)
	} else {
		s.hit++
	}
	return saleCount{holds: s.all.holds - s.expired.holds, units: s.all.units.sub(s.expired.units).int64()}
}

// recount computes the expired share at now and the next deadline after it.
func (s *saleIndex) recount(now time.Time) {
	s.scanned++
	s.fresh, s.at, s.expired, s.next = true, now, tally{}, time.Time{}
	for _, e := range s.entries {
		switch {
		case e.deadline.IsZero():
		case !now.Before(e.deadline):
			s.expired.holds++
			s.expired.units.add(e.quantity)
		case s.next.IsZero() || e.deadline.Before(s.next):
			s.next = e.deadline
		}
	}
}
