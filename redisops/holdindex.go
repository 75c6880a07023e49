package redisops

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
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

// dirtyMark is why a key is read again at the next tick: pushed by the feed
// (at: the last push, server time; epoch: the feed's gap count then), or
// only asked for (a read that could not tell, pushed false).
type dirtyMark struct {
	pushed   bool
	at       time.Time
	epoch    int64
	typeless bool // a guessed shape was wrong: read with TYPE next time
}

// awaiting is a key a read found gone while the feed was healthy, before
// its push arrived: its end is classified when the push comes (or, after
// awaitPush, as not seen).
type awaiting struct {
	foundAt    time.Time // server time the read found it gone
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
	obs      HoldObserver // told of every hold learned and lost (nil: nobody)
	epoch    int64        // the feed's gap count (setFeed)
	feedOK   bool         // the feed is armed on every master
	margin   time.Duration
}

// replacedHold is a hold_replaced anomaly, shown until until (server time).
type replacedHold struct {
	an    Anomaly
	until time.Time
}

// replacedShown is how long a hold_replaced anomaly of a hold without a
// deadline stays listed.
const replacedShown = 10 * time.Minute

// setObserver sets who is told of holds learned and lost (the leak watch).
func (x *holdIndex) setObserver(o HoldObserver) {
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
func (x *holdIndex) learn(h Hold, readAt, at time.Time, walk int64) {
	x.notify.Lock()
	defer x.notify.Unlock()
	if obs := x.learnLocked(h, readAt, at, walk); obs != nil {
		obs.Seen([]Hold{h}, at) // outside mu: the observer may take its own
	}
}

// learnLocked records the hold and returns the observer to tell (nil when
// the read was dropped or nobody listens).
func (x *holdIndex) learnLocked(h Hold, readAt, at time.Time, walk int64) HoldObserver {
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
	e.quantity, e.updated, e.deadline, e.stamp, e.epoch = h.Quantity, readAt, deadline, HoldStamp(h), x.epoch
	if walk > e.seenWalk {
		e.seenWalk = walk
	}
	x.attach(e)
	return x.obs
}

// noteReplaced raises hold_replaced when a live hold is read again with
// another quantity, stamp or shape, or a deadline moved later (a new EXPIRE:
// the backend's reserve sets one each time) (x.mu held).
func (x *holdIndex) noteReplaced(e *holdEntry, h Hold, deadline, at time.Time) {
	if !e.alive(at) || e.quantity <= 0 {
		return
	}
	var what []string
	if h.Quantity != e.quantity {
		what = append(what, fmt.Sprintf("quantity %d → %d", e.quantity, h.Quantity))
	}
	if st := HoldStamp(h); st != e.stamp {
		what = append(what, fmt.Sprintf("reserved_at %s → %s", e.stamp, st))
	}
	if e.ref.Shape != "" && h.Shape != e.ref.Shape {
		what = append(what, fmt.Sprintf("shape %s → %s", e.ref.Shape, h.Shape))
	}
	if !e.deadline.IsZero() && !deadline.IsZero() && deadline.Sub(e.deadline) > time.Second {
		what = append(what, fmt.Sprintf("deadline %s later", deadline.Sub(e.deadline).Round(time.Second)))
	}
	if len(what) == 0 {
		return
	}
	until := deadline
	if until.IsZero() {
		until = at.Add(replacedShown)
	}
	x.replaced[h.Key] = replacedHold{until: until, an: Anomaly{Kind: AnomalyHoldReplaced, Key: h.Key,
		Detail: fmt.Sprintf("hold rewritten %s before its deadline (%s): %d units possibly orphaned; not reclaimed (a release then a new reserve looks the same)",
			e.deadline.Sub(at).Round(time.Second), strings.Join(what, ", "), e.quantity)}}
}

// replacedAnomalies lists the hold_replaced anomalies still shown at now
// (server time) and forgets the others.
func (x *holdIndex) replacedAnomalies(now time.Time) []Anomaly {
	x.mu.Lock()
	defer x.mu.Unlock()
	var out []Anomaly
	for k, r := range x.replaced {
		if now.After(r.until) {
			delete(x.replaced, k)
			continue
		}
		out = append(out, r.an)
	}
	return out
}

// remove forgets key, whose end was observed as v (an event said it was
// deleted, expired or evicted; a pushed key read again found it gone), and
// leaves a tombstone dated at (local). The observer hears of a hold the
// index knew.
func (x *holdIndex) remove(key string, at time.Time, v Vanish) {
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

// vanished handles a read (not of a pushed key) that found key gone at
// foundAt (server time; local: the same, local). With the feed healthy its
// push is on the way (a push and a reply travel on different connections):
// the key leaves the counts now and its end is classified when the push
// comes; otherwise the end was not seen.
func (x *holdIndex) vanished(key string, local, foundAt time.Time) {
	x.mu.Lock()
	if m, ok := x.dirty[key]; ok && m.pushed {
		delete(x.dirty, key)
		seen := x.seenLocked(key, m)
		x.mu.Unlock()
		x.remove(key, local, Vanish{At: m.at, Seen: seen})
		return
	}
	e, known := x.holds[key]
	if known && x.feedOK {
		x.await[key] = awaiting{foundAt: foundAt, foundLocal: local, epoch: e.epoch}
		x.detach(e)
		delete(x.holds, key) // the observer hears when the push comes
		x.mu.Unlock()
		return
	}
	x.mu.Unlock()
	x.remove(key, local, Vanish{At: foundAt})
}

// expireAwaiting classifies the keys that waited longer than awaitPush for
// their push as not seen (local now).
func (x *holdIndex) expireAwaiting(now time.Time) {
	x.mu.Lock()
	var late []string
	var at []awaiting
	for k, a := range x.await {
		if now.Sub(a.foundLocal) >= awaitPush {
			late, at = append(late, k), append(at, a)
		}
	}
	x.mu.Unlock()
	for i, k := range late {
		x.remove(k, at[i].foundLocal, Vanish{At: at[i].foundAt})
	}
}

// markPushed asks for key to be read again at the next tick: the feed pushed
// it at at (server time).
func (x *holdIndex) markPushed(key string, at time.Time, epoch int64) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.dirty[key] = dirtyMark{pushed: true, at: at, epoch: epoch}
}

// markAllPushed marks every indexed and awaited key pushed at at (a flush:
// any of them may be gone).
func (x *holdIndex) markAllPushed(at time.Time, epoch int64) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for k := range x.holds {
		x.dirty[k] = dirtyMark{pushed: true, at: at, epoch: epoch}
	}
	for k := range x.await {
		x.dirty[k] = dirtyMark{pushed: true, at: at, epoch: epoch}
	}
}

// markDirty asks for key to be read again at the next tick (a read that
// could not tell); a push already recorded for it is kept.
func (x *holdIndex) markDirty(key string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if _, ok := x.dirty[key]; !ok {
		x.dirty[key] = dirtyMark{}
	}
}

// dirtyKey is a key taken for a read, with its mark.
type dirtyKey struct {
	key  string
	mark dirtyMark
}

// takeDirty returns up to n dirty keys (sorted) and forgets them; the rest
// stay for the next tick.
func (x *holdIndex) takeDirty(n int) []dirtyKey {
	x.mu.Lock()
	defer x.mu.Unlock()
	keys := make([]string, 0, min(n, len(x.dirty)))
	for k := range x.dirty {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	keys = keys[:min(n, len(keys))]
	out := make([]dirtyKey, len(keys))
	for i, k := range keys {
		out[i] = dirtyKey{key: k, mark: x.dirty[k]}
		delete(x.dirty, k)
	}
	return out
}

// dirtyLen is how many keys wait for a read.
func (x *holdIndex) dirtyLen() int {
	x.mu.Lock()
	defer x.mu.Unlock()
	return len(x.dirty)
}

// goneDirty handles the read of a dirty key that found it gone: with a push
// its end is what the push said (seen if the feed had no gap since), else
// as vanished.
func (x *holdIndex) goneDirty(key string, m dirtyMark, local, foundAt time.Time) {
	if !m.pushed {
		x.vanished(key, local, foundAt)
		return
	}
	x.mu.Lock()
	seen := x.seenLocked(key, m)
	x.mu.Unlock()
	x.remove(key, local, Vanish{At: m.at, Seen: seen})
}

// seenLocked reports whether a push m dates key's end as it happened: the
// feed has had no gap since the push, nor between the hold's last read and
// the push (a gap could hide a rewrite the tracker does not know) (x.mu held).
func (x *holdIndex) seenLocked(key string, m dirtyMark) bool {
	if !m.pushed || m.epoch != x.epoch {
		return false
	}
	if e := x.holds[key]; e != nil {
		return e.epoch == m.epoch
	}
	if a, ok := x.await[key]; ok {
		return a.epoch == m.epoch
	}
	return false
}

// remark puts a dirty key's mark back (its read could not tell: read it
// again, keeping the push's date).
func (x *holdIndex) remark(key string, m dirtyMark) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if _, ok := x.dirty[key]; !ok {
		x.dirty[key] = m
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
	return HoldShapeHash
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
	ends := map[string]Vanish{}
	for k, e := range x.holds {
		if e.seenWalk >= walk || !e.updated.Before(started) {
			continue
		}
		x.detach(e)
		delete(x.holds, k)
		switch m, ok := x.dirty[k]; {
		case ok && m.pushed:
			delete(x.dirty, k)
			ends[k] = Vanish{At: m.at, Seen: m.epoch == x.epoch && e.epoch == m.epoch, Margin: x.margin}
		case x.feedOK:
			x.await[k] = awaiting{foundAt: now, foundLocal: local}
			continue
		default:
			ends[k] = Vanish{At: now}
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
