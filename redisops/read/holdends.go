package read

// The hold index's side of hold ends: keys pushed by the feed and read again
// at the next tick (dirty marks, the first push kept), keys a read found gone
// while their push was on the way (awaiting), and the bounds each end is
// reported with (pushedEnd; the classification is leakwatch's).

import (
	"flashtop/redisops"
	"fmt"
	"slices"
	"strings"
	"time"
)

// vanished handles a read (not of a pushed key) that found key gone at
// foundAt (server time; local: the same, local). With the feed healthy its
// push is on the way (a push and a reply travel on different connections):
// the key leaves the counts now and its end is classified when the push
// comes; otherwise the end was not seen.
func (x *holdIndex) vanished(key string, local, foundAt time.Time) {
	x.mu.Lock()
	if m, ok := x.dirty[key]; ok && m.pushed {
		delete(x.dirty, key)
		v := x.pushedEnd(key, m, foundAt)
		x.mu.Unlock()
		x.remove(key, local, v)
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
	x.remove(key, local, redisops.Vanish{At: foundAt, Before: foundAt})
}

// pushedEnd is the end a push m (and maybe a read that found the key gone
// no later than found, zero: none) proves for key (x.mu held): before the
// push's upper bound and the read's, at or after its lower bound — the
// lower bound only counts when the feed had no gap since the hold's last
// read (seenLocked).
func (x *holdIndex) pushedEnd(key string, m dirtyMark, found time.Time) redisops.Vanish {
	v := redisops.Vanish{At: m.before, Before: m.before, Seen: x.seenLocked(key, m)}
	if a, ok := x.await[key]; ok && (found.IsZero() || a.foundAt.Before(found)) {
		found = a.foundAt
	}
	if !found.IsZero() && (v.Before.IsZero() || found.Before(v.Before)) {
		v.Before, v.At = found, found
	}
	if v.Seen {
		v.NotBefore = m.notBefore
	}
	return v
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
		x.remove(k, at[i].foundLocal, redisops.Vanish{At: at[i].foundAt, Before: at[i].foundAt})
	}
}

// markPushed asks for key to be read again at the next tick: the feed
// pushed it (m). The first push since the key's last read is kept: it is
// the one that dates the end of the hold as last read (a release followed
// by a new reserve must not be dated by the reserve).
func (x *holdIndex) markPushed(key string, m dirtyMark) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.pushLocked(key, m)
}

func (x *holdIndex) pushLocked(key string, m dirtyMark) {
	if old, ok := x.dirty[key]; ok && old.pushed {
		return
	}
	if old, ok := x.dirty[key]; ok {
		m.typeless = old.typeless
	}
	x.dirty[key] = m
}

// markAllPushed marks every indexed and awaited key pushed (a flush: any of
// them may be gone), keeping earlier pushes.
func (x *holdIndex) markAllPushed(m dirtyMark) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for k := range x.holds {
		x.pushLocked(k, m)
	}
	for k := range x.await {
		x.pushLocked(k, m)
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
	v := x.pushedEnd(key, m, foundAt)
	x.mu.Unlock()
	x.remove(key, local, v)
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
	if _, ok := x.dirty[key]; !ok || m.pushed { // m's push came first: it dates the end
		x.dirty[key] = m
	}
}

// hold_replaced: a hold key read again, before its deadline, as another hold
// (the backend's double reserve, or its order path's SETEX over a hash).

// replacedHold is a hold_replaced anomaly, shown until until (server time).
type replacedHold struct {
	an    redisops.Anomaly
	until time.Time
}

// replacedShown is how long a hold_replaced anomaly of a hold without a
// deadline stays listed.
const replacedShown = 10 * time.Minute

// noteReplaced raises hold_replaced when a live hold is read again with
// another quantity, stamp or shape, or a deadline moved later (a new EXPIRE:
// the backend's reserve sets one each time) (x.mu held).
func (x *holdIndex) noteReplaced(e *holdEntry, h redisops.Hold, deadline, at time.Time) {
	if !e.alive(at) || e.quantity <= 0 {
		return
	}
	var what []string
	if h.Quantity != e.quantity {
		what = append(what, fmt.Sprintf("quantity %d → %d", e.quantity, h.Quantity))
	}
	if st := redisops.HoldStamp(h); st != e.stamp {
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
	x.replaced[h.Key] = replacedHold{until: until, an: redisops.Anomaly{Kind: redisops.AnomalyHoldReplaced, Key: h.Key,
		Detail: fmt.Sprintf("hold rewritten %s before its deadline (%s): %d units possibly orphaned; not reclaimed (a release then a new reserve looks the same)",
			e.deadline.Sub(at).Round(time.Second), strings.Join(what, ", "), e.quantity)}}
}

// replacedAnomalies lists the hold_replaced anomalies still shown at now
// (server time) and forgets the others.
func (x *holdIndex) replacedAnomalies(now time.Time) []redisops.Anomaly {
	x.mu.Lock()
	defer x.mu.Unlock()
	var out []redisops.Anomaly
	for k, r := range x.replaced {
		if now.After(r.until) {
			delete(x.replaced, k)
			continue
		}
		out = append(out, r.an)
	}
	return out
}
