package redisops

import (
	"cmp"
	"slices"
	"sync"
	"time"
)

// holdEntry is what the poller's hold index knows of one hold key.
type holdEntry struct {
	ref      holdRef
	quantity int64
	deadline time.Time // zero: no TTL
	seenWalk int64     // the last walk that found the key (0: only events so far)
	updated  time.Time // when the entry was last read (or learned from an event)
	pos      int       // its place in its sale's entries
}

// alive reports whether the hold still holds its units at now: a hold whose
// deadline has passed is gone for Redis even before it evicts the key.
func (e *holdEntry) alive(now time.Time) bool {
	return e.deadline.IsZero() || now.Before(e.deadline)
}

// holdIndex is the poller's in-memory index of every hold: key → sale, user,
// quantity and deadline. It is complete after each full discovery walk and
// kept current in between by keyspace events (when the server sends them).
// Tombstones remember keys removed by an event, so that a read that was in
// flight before the removal cannot bring the hold back. Each sale's holds
// are also kept together (saleIndex) with their counts maintained as holds
// come and go, so that a tick's counts and visible rows never walk the whole
// index. Safe for concurrent use (the event goroutine and the poll tick).
type holdIndex struct {
	// notify is held across a change and the observer's hearing of it (taken
	// before mu), so that the observer hears of each key's changes in the
	// order the index made them: a Gone from the event goroutine cannot
	// overtake the Seen of the read it dropped the key after.
	notify  sync.Mutex
	mu      sync.Mutex
	holds   map[string]*holdEntry
	sales   map[string]*saleIndex // sale -> its entries (only sales with some)
	removed map[string]time.Time  // key -> when an event removed it
	dirty   map[string]struct{}   // keys an event changed: read again at the next tick
	obs     HoldObserver          // told of every hold learned and lost (nil: nobody)
}

// setObserver sets who is told of holds learned and lost (the leak watch).
func (x *holdIndex) setObserver(o HoldObserver) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.obs = o
}

func newHoldIndex() *holdIndex {
	return &holdIndex{holds: map[string]*holdEntry{}, sales: map[string]*saleIndex{},
		removed: map[string]time.Time{}, dirty: map[string]struct{}{}}
}

// learn records a hold read at readAt (when its read was sent). A read older
// than an event's removal of the key is dropped.
func (x *holdIndex) learn(h Hold, readAt time.Time, walk int64) {
	x.notify.Lock()
	defer x.notify.Unlock()
	if obs := x.learnLocked(h, readAt, walk); obs != nil {
		obs.Seen([]Hold{h}, readAt) // outside mu: the observer may take its own
	}
}

// learnLocked records the hold and returns the observer to tell (nil when
// the read was dropped or nobody listens).
func (x *holdIndex) learnLocked(h Hold, readAt time.Time, walk int64) HoldObserver {
	x.mu.Lock()
	defer x.mu.Unlock()
	if gone, ok := x.removed[h.Key]; ok && !readAt.After(gone) {
		return nil
	}
	delete(x.removed, h.Key)
	e := x.holds[h.Key]
	if e == nil {
		e = &holdEntry{}
		x.holds[h.Key] = e
	} else {
		x.detach(e) // its sale's counts drop the old quantity and deadline
	}
	e.ref = holdRef{Key: h.Key, Sale: h.Sale, User: h.User, Shape: h.Shape}
	e.quantity, e.updated = h.Quantity, readAt
	e.deadline = time.Time{}
	if h.TTLMs >= 0 {
		e.deadline = readAt.Add(time.Duration(h.TTLMs) * time.Millisecond)
	}
	if walk > e.seenWalk {
		e.seenWalk = walk
	}
	x.attach(e)
	return x.obs
}

// remove forgets key (an event said it was deleted, expired or evicted, or a
// read found it gone) and leaves a tombstone dated at. The observer hears of
// a hold the index knew; expired says a keyspace "expired" event told.
func (x *holdIndex) remove(key string, at time.Time, expired bool) {
	x.notify.Lock()
	defer x.notify.Unlock()
	x.mu.Lock()
	e, known := x.holds[key]
	if known {
		x.detach(e)
		delete(x.holds, key)
	}
	delete(x.dirty, key)
	x.removed[key] = at
	obs := x.obs
	x.mu.Unlock()
	if known && obs != nil {
		obs.Gone(key, at, expired)
	}
}

// markDirty asks for key to be read again at the next tick.
func (x *holdIndex) markDirty(key string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.dirty[key] = struct{}{}
}

// takeDirty returns up to n dirty keys (sorted) and forgets them.
func (x *holdIndex) takeDirty(n int) []string {
	x.mu.Lock()
	defer x.mu.Unlock()
	keys := make([]string, 0, min(n, len(x.dirty)))
	for k := range x.dirty {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	keys = keys[:min(n, len(keys))]
	for _, k := range keys {
		delete(x.dirty, k)
	}
	return keys
}

// shape returns the shape the index knows for key ("" when unknown).
func (x *holdIndex) shape(key string) string {
	x.mu.Lock()
	defer x.mu.Unlock()
	if e := x.holds[key]; e != nil {
		return e.ref.Shape
	}
	return ""
}

// prune ends walk: every hold the walk did not find and that was not read
// since it started is gone. Tombstones older than the walk's start are
// dropped (a read sent before them is long done).
func (x *holdIndex) prune(walk int64, started, now time.Time) {
	x.notify.Lock()
	defer x.notify.Unlock()
	x.mu.Lock()
	var gone []string
	for k, e := range x.holds {
		if e.seenWalk < walk && e.updated.Before(started) {
			x.detach(e)
			delete(x.holds, k)
			gone = append(gone, k)
		}
	}
	for k, at := range x.removed {
		if at.Before(started) {
			delete(x.removed, k)
		}
	}
	obs := x.obs
	x.mu.Unlock()
	if obs != nil {
		slices.Sort(gone)
		for _, k := range gone {
			obs.Gone(k, now, false)
		}
	}
}

// count returns sale's holds alive at now and their units. It costs
// nothing per hold unless a deadline passed since the sale's last count.
func (x *holdIndex) count(sale string, now time.Time) saleCount {
	x.mu.Lock()
	defer x.mu.Unlock()
	if s := x.sales[sale]; s != nil {
		return s.live(now)
	}
	return saleCount{}
}

// soonest returns up to n live holds of sale, soonest deadline first (holds
// without a TTL last), then by user and key. It walks only that sale's holds
// and keeps the best n as it goes (no sort of them all).
func (x *holdIndex) soonest(sale string, n int, now time.Time) []holdRef {
	x.mu.Lock()
	defer x.mu.Unlock()
	s := x.sales[sale]
	if s == nil || n <= 0 {
		return []holdRef{}
	}
	top := make([]*holdEntry, 0, min(n, len(s.entries)))
	for _, e := range s.entries {
		if !e.alive(now) || (len(top) == n && compareEntries(e, top[n-1]) >= 0) {
			continue
		}
		i, _ := slices.BinarySearchFunc(top, e, compareEntries)
		if len(top) < n {
			top = append(top, nil)
		}
		copy(top[i+1:], top[i:len(top)-1])
		top[i] = e
	}
	out := make([]holdRef, len(top))
	for i, e := range top {
		out[i] = e.ref
	}
	return out
}

// compareEntries orders holds soonest deadline first (no TTL last), then by
// user and key.
func compareEntries(a, b *holdEntry) int {
	switch {
	case a.deadline.IsZero() != b.deadline.IsZero():
		if a.deadline.IsZero() {
			return 1
		}
		return -1
	case !a.deadline.Equal(b.deadline):
		return a.deadline.Compare(b.deadline)
	case a.ref.User != b.ref.User:
		return cmp.Compare(a.ref.User, b.ref.User)
	}
	return cmp.Compare(a.ref.Key, b.ref.Key)
}

// size is the number of holds indexed (alive or not yet pruned).
func (x *holdIndex) size() int64 {
	x.mu.Lock()
	defer x.mu.Unlock()
	return int64(len(x.holds))
}

// get returns a copy of key's entry.
func (x *holdIndex) get(key string) (holdEntry, bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if e := x.holds[key]; e != nil {
		return *e, true
	}
	return holdEntry{}, false
}

// forgetShape clears the shape of key's entry, so that its next read is
// typeless (the key changed TYPE under us).
func (x *holdIndex) forgetShape(key string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if e := x.holds[key]; e != nil {
		e.ref.Shape = ""
	}
}
