package read

import (
	"cmp"
	"flashtop/redisops"
	"slices"
	"sync"
	"time"
)

// holdEntry is what the poller's hold index knows of one hold key.
type holdEntry struct {
	ref      holdRef
	quantity int64
	stamp    string    // HoldStamp of the last read
	deadline time.Time // server time; zero: no TTL
	seenWalk int64     // the last walk that found the key (0: only events so far)
	epoch    int64     // the feed's epoch when the entry was last read: a push of a later epoch may follow missed changes
	updated  time.Time // when the entry was last read (or learned from an event), local time
	pos      int       // its place in its sale's entries
}

// alive reports whether the hold still holds its units at now (server
// time): a hold whose deadline has passed is gone for Redis even before it
// evicts the key.
func (e *holdEntry) alive(now time.Time) bool {
	return e.deadline.IsZero() || now.Before(e.deadline)
}

// dirtyMark is why a key is read again at the next tick: pushed by the feed,
// or only asked for (a read that could not tell, pushed false). A pushed
// mark is the FIRST push since the key was last read: the hold as last read
// ended (or changed) at that push's change, which happened before before
// and at or after notBefore (server time; zero: not known) — clock.go;
// epoch is the feed's epoch then.
type dirtyMark struct {
	pushed            bool
	before, notBefore time.Time
	epoch             int64
	typeless          bool // a guessed shape was wrong: read with TYPE next time
}

// awaiting is a key a read found gone while the feed was healthy, before
// its push arrived: its end is classified when the push comes (or, after
// awaitPush, as not seen).
type awaiting struct {
	foundAt    time.Time // a server time no earlier than when the read found it gone
	foundLocal time.Time
	epoch      int64 // the entry's epoch (holdEntry.epoch)
}

// awaitPush is how long a key found gone waits for its push.
const awaitPush = 2 * time.Second

// holdIndex is the poller's in-memory index of every hold: key → sale, user,
// quantity and deadline. It is complete after each full discovery walk and
// kept current in between by the push feed (and keyspace events when the
// server sends them). Tombstones remember keys removed by an event, so that a
// read that was in flight before the removal cannot bring the hold back.
// Each sale's holds are also kept together (saleIndex) with their counts
// maintained as holds come and go, so that a tick's counts and visible rows
// never walk the whole index. Safe for concurrent use (the feed and event
// goroutines and the poll tick).
type holdIndex struct {
	// notify is held across a change and the observer's hearing of it (taken
	// before mu), so that the observer hears of each key's changes in the
	// order the index made them: a Gone from the event goroutine cannot
	// overtake the Seen of the read it dropped the key after.
	notify   sync.Mutex
	mu       sync.Mutex
	holds    map[string]*holdEntry
	sales    map[string]*saleIndex // sale -> its entries (only sales with some)
	removed  map[string]time.Time  // key -> when an event removed it (local)
	dirty    map[string]dirtyMark  // keys to read again at the next tick
	await    map[string]awaiting   // keys found gone, waiting for their push
	replaced map[string]replacedHold
	obs      redisops.HoldObserver // told of every hold learned and lost (nil: nobody)
	epoch    int64                 // the feed's gap count (setFeed)
	feedOK   bool                  // the feed is armed on every master
	margin   time.Duration
	// byDeadline files entries by their deadline's unix second (holdcount.go).
	byDeadline map[int64]map[*holdEntry]struct{}
}

// setObserver sets who is told of holds learned and lost (the leak watch).
func (x *holdIndex) setObserver(o redisops.HoldObserver) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.obs = o
}

// setFeed records the feed's state for the classification of ends: its gap
// count, whether it is armed everywhere, and the clock margin.
func (x *holdIndex) setFeed(epoch int64, ok bool, margin time.Duration) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.epoch, x.feedOK, x.margin = epoch, ok, margin
}

func newHoldIndex() *holdIndex {
	return &holdIndex{holds: map[string]*holdEntry{}, sales: map[string]*saleIndex{},
		removed: map[string]time.Time{}, dirty: map[string]dirtyMark{}, await: map[string]awaiting{},
		replaced: map[string]replacedHold{}}
}

// learn records a hold read at readAt (local: when its read was sent; at:
// the same in server time). A read older than an event's removal of the key
// is dropped.
func (x *holdIndex) learn(h redisops.Hold, readAt, at time.Time, walk int64) {
	x.learnPushed(h, readAt, at, walk, nil)
}

// learnPushed is learn for the read of a pushed key (mark): when the read
// finds another hold under the key (a new stamp: a release then a new
// reserve, or a double reserve), the hold as last read ended by the first
// push, and the observer hears that end first, with the push's bounds.
func (x *holdIndex) learnPushed(h redisops.Hold, readAt, at time.Time, walk int64, mark *dirtyMark) {
	x.notify.Lock()
	defer x.notify.Unlock()
	var end *redisops.Vanish
	if mark != nil && mark.pushed {
		x.mu.Lock()
		if e := x.holds[h.Key]; e != nil && e.stamp != redisops.HoldStamp(h) {
			v := x.pushedEnd(h.Key, *mark, time.Time{})
			end = &v
		}
		x.mu.Unlock()
	}
	if obs := x.learnLocked(h, readAt, at, walk); obs != nil {
		if end != nil {
			obs.Gone(h.Key, *end)
		}
		obs.Seen([]redisops.Hold{h}, at) // outside mu: the observer may take its own
	}
}

// learnLocked records the hold and returns the observer to tell (nil when
// the read was dropped or nobody listens).
func (x *holdIndex) learnLocked(h redisops.Hold, readAt, at time.Time, walk int64) redisops.HoldObserver {
	x.mu.Lock()
	defer x.mu.Unlock()
	if gone, ok := x.removed[h.Key]; ok && !readAt.After(gone) {
		return nil
	}
	delete(x.removed, h.Key)
	delete(x.await, h.Key)
	deadline := h.Deadline
	if deadline.IsZero() && h.TTLMs >= 0 {
		deadline = at.Add(time.Duration(h.TTLMs) * time.Millisecond)
	}
	e := x.holds[h.Key]
	if e == nil {
		e = &holdEntry{}
		x.holds[h.Key] = e
	} else {
		x.noteReplaced(e, h, deadline, at)
		x.detach(e) // its sale's counts drop the old quantity and deadline
	}
	e.ref = holdRef{Key: h.Key, Sale: h.Sale, User: h.User, Shape: h.Shape}
	e.quantity, e.updated, e.deadline, e.stamp, e.epoch = h.Quantity, readAt, deadline, redisops.HoldStamp(h), x.epoch
	if walk > e.seenWalk {
		e.seenWalk = walk
	}
	x.attach(e)
	return x.obs
}

// remove forgets key, whose end was observed as v (an event said it was
// deleted, expired or evicted; a pushed key read again found it gone), and
// leaves a tombstone dated at (local). The observer hears of a hold the
// index knew.
func (x *holdIndex) remove(key string, at time.Time, v redisops.Vanish) {
	x.notify.Lock()
	defer x.notify.Unlock()
	x.mu.Lock()
	e, known := x.holds[key]
	if known {
		x.detach(e)
		delete(x.holds, key)
	}
	_, waited := x.await[key]
	delete(x.await, key)
	delete(x.dirty, key)
	x.removed[key] = at
	obs := x.obs
	if v.Margin == 0 {
		v.Margin = x.margin
	}
	x.mu.Unlock()
	if (known || waited) && obs != nil {
		obs.Gone(key, v)
	}
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

// upcomingDeadlines lists the distinct deadlines (to the millisecond) of
// indexed holds in (from, to], sorted, at most pingMaxBatch: the feed
// brackets each with a PING (clock.go).
func (x *holdIndex) upcomingDeadlines(from, to time.Time) []time.Time {
	x.mu.Lock()
	seen := map[int64]bool{}
	var out []time.Time
	for sec := from.Unix(); sec <= to.Unix(); sec++ {
		for e := range x.byDeadline[sec] {
			d := e.deadline
			if !d.After(from) || d.After(to) {
				continue
			}
			if ms := d.UnixMilli(); !seen[ms] {
				seen[ms] = true
				out = append(out, time.UnixMilli(ms))
			}
		}
	}
	x.mu.Unlock()
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out[:min(len(out), pingMaxBatch)]
}

// guessShape is the shape to read a pushed key with: the one the index
// knows for it, else that of another hold of its sale, else a hash (the Lua
// path's; the backend's order path writes JSON strings). A wrong guess costs
// one more read: the reply is a WRONGTYPE error, and the key is read again
// typeless at the next tick.
func (x *holdIndex) guessShape(key, sale string) string {
	x.mu.Lock()
	defer x.mu.Unlock()
	if e := x.holds[key]; e != nil && e.ref.Shape != "" {
		return e.ref.Shape
	}
	if s := x.sales[sale]; s != nil && len(s.entries) > 0 && s.entries[0].ref.Shape != "" {
		return s.entries[0].ref.Shape
	}
	return redisops.HoldShapeHash
}

// prune ends walk: every hold the walk did not find and that was not read
// since it started is gone, found at now (server time; local: the same,
// local). Its end is what a push said, if one came; with the feed healthy
// and no push yet, it waits for one (as vanished); otherwise it was not
// seen. Tombstones older than the walk's start are dropped (a read sent
// before them is long done).
func (x *holdIndex) prune(walk int64, started, local, now time.Time) {
	x.notify.Lock()
	defer x.notify.Unlock()
	x.mu.Lock()
	var gone []string
	ends := map[string]redisops.Vanish{}
	for k, e := range x.holds {
		if e.seenWalk >= walk || !e.updated.Before(started) {
			continue
		}
		x.detach(e)
		delete(x.holds, k)
		switch m, ok := x.dirty[k]; {
		case ok && m.pushed:
			delete(x.dirty, k)
			x.holds[k] = e // pushedEnd reads the entry's epoch
			ends[k] = x.pushedEnd(k, m, now)
			delete(x.holds, k)
		case x.feedOK:
			x.await[k] = awaiting{foundAt: now, foundLocal: local, epoch: e.epoch}
			continue
		default:
			ends[k] = redisops.Vanish{At: now, Before: now}
		}
		gone = append(gone, k)
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
			obs.Gone(k, ends[k])
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

// has reports whether key is in the index.
func (x *holdIndex) has(key string) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.holds[key] != nil
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
