// Package salelog narrates what happened to each sale, from consecutive
// snapshots: a sale opened, its queue formed or drained, waiters left the
// head (admitted), it sold out or was restocked, holds expired and their
// units were lost, leaked units were reclaimed. It reads only what flashtop
// observes in Redis (the same on a real backend as in the demo), never the
// simulator, and it is UI-free: the dashboard's event feed panel draws it.
//
// Every event is a fact about two snapshots, and says how sure it is:
//
//   - opened: a sale flashtop had not seen, with stock above 0, after the
//     first complete discovery (a sale found by the first walk is not
//     "opened": it was there before flashtop looked).
//   - queue formed: the queue reached QueueFormedAt waiters from fewer;
//     queue drained: it reached 0 after having formed. A queue that flaps
//     (batches admitted as fast as buyers come) writes at most one of these
//     a QueueGap: a change within it is written at the first poll after,
//     if it still holds.
//   - admitted: waiters gone since the previous snapshot, as the poller
//     counted them (QueueStats.Departed, when it covers that interval);
//     else from the previous snapshot's head window: those ahead of the new
//     head. A waiter who gave up counts too: the queue cannot tell the two
//     apart. When more left than the previous window showed, the count is
//     a lower bound and says so ("≥20"): at least the drop in length, and
//     at least the window. A queue that could not be read writes nothing.
//   - sold out: the stock went from above 0 to 0; oversold: below 0.
//   - restocked: the stock rose by more than the held units fell and the
//     ledger's leaked units fell (a release gives units back as its hold
//     goes, a reclaim as its leak goes, so neither reads as a restock);
//     judged only while hold counts are live (a push feed) at both polls.
//     back in stock: from 0 when that cannot be judged.
//   - expired: the holds the leak watch found expired, and their units (of
//     which unverified: their end was not seen as it happened).
//   - reclaimed: the sale's leaked units in the ledger fell.
//   - alert: an alert was raised (the caller judges them: AddAlert).
//
// Events of one sale and kind (admitted, expired) that follow within
// MergeGap join one line that grows ("64 admitted in 8 pops"), so a steady
// queue reads as one line a run, not one a second; the line keeps its place
// (the feed is newest first by when each event began).
package salelog

import (
	"slices"
	"time"

	"flashtop/redisops"
)

// Tuning.
const (
	// QueueFormed is the waiters at which a queue has formed.
	QueueFormedAt = 10
	// QueueGap: a queue writes at most one formed/drained line this often.
	QueueGap = 10 * time.Second
	// MergeGap: an admitted or expired event joins the sale's last line of
	// its kind when it comes within this of it.
	MergeGap = 30 * time.Second // sparse expiries (one every 15 s) still grow one line
	// MaxSpan: a growing line covers at most this; then a new one starts.
	MaxSpan = time.Minute
	// MaxEvents is how many events the log keeps (the oldest go).
	MaxEvents = 200
)

// saleState is what the log remembers of a sale from the last snapshot.
type saleState struct {
	stock   *int64
	qlen    int64
	head    []redisops.QueueEntry
	held    int64
	leaked  int64
	formed  bool      // the queue has formed and not drained since
	shown   bool      // formed, as the feed last said it
	shownAt time.Time // when the feed last said it (zero: never)
	// exact: the hold counts (held) were exact (a live feed); departed: the
	// poller's count of queue departures since the previous snapshot (nil:
	// not counted, or counted over another interval); queueBlind: the
	// queue could not be read (its state is the last one read).
	exact      bool
	departed   *int64
	queueBlind bool
}

// Log is the event log. Observe it with each snapshot, in order; it is not
// safe for concurrent use.
type Log struct {
	sales    map[string]saleState
	complete bool      // the last snapshot had discovered every sale
	last     time.Time // the last snapshot's time
	since    time.Time // the first snapshot's time
	events   []Event   // oldest first
}

// Since is when the log began watching (zero before the first snapshot).
func (l *Log) Since() time.Time { return l.since }

// Events returns the events, newest first (by when each began: a growing
// line stays where it began).
func (l *Log) Events() []Event {
	out := slices.Clone(l.events)
	slices.Reverse(out)
	return out
}

// Len is the number of events kept.
func (l *Log) Len() int { return len(l.events) }

// Observe takes the next snapshot. A snapshot older than the last one (a
// replay stepping back) starts the log over; the same one again (a paused
// replay, polled every second) brings nothing new.
func (l *Log) Observe(s *redisops.Snapshot) {
	if s == nil {
		return
	}
	if l.sales != nil && !s.TakenAt.After(l.last) {
		if s.TakenAt.Equal(l.last) {
			return
		}
		*l = Log{}
	}
	unread := map[string]bool{}
	for _, u := range s.Unreadable {
		unread[u.What] = true
	}
	complete := discovered(s)
	// The hold counts are exact only with a live push feed (or a full
	// read): without it, releases between a walk's hold reads and the
	// stock read would pass for a restock. Any hold key that could not be
	// read leaves the counts short: no restock is judged then.
	exact := !unread[redisops.UnreadHolds] && s.Feed.Live()
	first := l.sales == nil
	if first {
		l.sales = map[string]saleState{}
		l.since = s.TakenAt
	}
	byID := map[string]bool{}
	for _, row := range s.Sales {
		byID[row.ID] = true
		cur := saleState{stock: row.Inventory, qlen: row.QueueLength, head: s.Queues[row.ID],
			held: row.ReservedUnits, leaked: row.LeakedUnits, exact: exact}
		if q := row.QueueStats; q != nil && q.Departed != nil && q.DepartedSinceMs != nil &&
			*q.DepartedSinceMs == l.last.UnixMilli() { // the poller's count covers this very interval (a replay skips frames)
			cur.departed = q.Departed
		}
		prev, seen := l.sales[row.ID]
		// A queue that could not be read is not an empty one. The poller
		// leaves a sale's queue_stats out exactly when its queue read failed;
		// Unreadable says only that some queue key somewhere was refused.
		if unread[redisops.UnreadQueues] && row.QueueStats == nil && seen {
			cur.qlen, cur.head, cur.departed, cur.queueBlind = prev.qlen, prev.head, nil, true
		}
		switch {
		case first:
			cur.formed = cur.qlen >= QueueFormedAt
			cur.shown = cur.formed
		case !seen:
			cur.formed = cur.qlen >= QueueFormedAt
			cur.shown = cur.formed
			if l.complete && cur.stock != nil && *cur.stock > 0 {
				l.add(Event{Kind: Opened, Sale: row.ID, First: s.TakenAt, At: s.TakenAt, To: *cur.stock})
			}
		default:
			cur.formed, cur.shown, cur.shownAt = prev.formed, prev.shown, prev.shownAt
			l.compare(s.TakenAt, row.ID, prev, &cur)
		}
		l.sales[row.ID] = cur
	}
	for id := range l.sales { // a sale gone from view is forgotten: back, it is not "opened"
		if !byID[id] && complete {
			delete(l.sales, id)
		}
	}
	l.leaks(s)
	l.complete, l.last = complete, s.TakenAt
}

// discovered reports whether s had found every sale: a full read always; the
// poller once its first walk finished and the active set is read whole.
func discovered(s *redisops.Snapshot) bool {
	if s.Cost != nil && s.Cost.WalksDone == 0 {
		return false
	}
	return s.Truncated == nil || s.Truncated.ActiveSales == nil
}

// compare adds the events between a sale's last state and this one.
func (l *Log) compare(at time.Time, sale string, prev saleState, cur *saleState) {
	if !cur.queueBlind {
		l.queueEvents(at, sale, prev, cur)
	}
	if prev.stock != nil && cur.stock != nil {
		was, now := *prev.stock, *cur.stock
		switch {
		case now < 0 && was >= 0:
			l.add(Event{Kind: Oversold, Sale: sale, First: at, At: at, From: was, To: now})
		case now == 0 && was > 0:
			l.add(Event{Kind: SoldOut, Sale: sale, First: at, At: at, From: was})
		case now > was && prev.exact && cur.exact && (now-was)-(prev.held-cur.held)-max(prev.leaked-cur.leaked, 0) > 0:
			// More came back than holds ended (releases) and leaks were
			// reclaimed: someone restocked.
			l.add(Event{Kind: Restocked, Sale: sale, First: at, At: at, From: was, To: now})
		case was == 0 && now > 0 && cur.leaked >= prev.leaked: // (a reclaim says so itself, below)
			// Back from sold out, by a restock or by units given back: what
			// it was cannot be told (the counts are not exact), so the line
			// says only what the stock did.
			l.add(Event{Kind: BackInStock, Sale: sale, First: at, At: at, From: was, To: now})
		}
	}
	if cur.leaked < prev.leaked {
		l.add(Event{Kind: Reclaimed, Sale: sale, First: at, At: at, N: prev.leaked - cur.leaked})
	}
}

// queueEvents adds a sale's admissions and queue formed/drained lines. A
// formed/drained change is written once QueueGap has passed since the last
// one, and only while it is true at that poll (formed: QueueFormedAt or
// more waiting; drained: none).
func (l *Log) queueEvents(at time.Time, sale string, prev saleState, cur *saleState) {
	if n, atLeast := admitted(prev, *cur); n > 0 {
		l.add(Event{Kind: Admitted, Sale: sale, First: at, At: at, N: n, AtLeast: atLeast, Pops: 1})
	}
	switch {
	case !cur.formed && cur.qlen >= QueueFormedAt:
		cur.formed = true
	case cur.formed && cur.qlen == 0:
		cur.formed = false
	}
	holds := (cur.formed && cur.qlen >= QueueFormedAt) || (!cur.formed && cur.qlen == 0)
	if cur.formed != cur.shown && holds && (cur.shownAt.IsZero() || at.Sub(cur.shownAt) >= QueueGap) {
		kind := QueueDrained
		if cur.formed {
			kind = QueueFormed
		}
		l.add(Event{Kind: kind, Sale: sale, First: at, At: at, From: prev.qlen, To: cur.qlen})
		cur.shown, cur.shownAt = cur.formed, at
	}
}

// admitted counts the waiters gone since the last poll: the poller's own
// count when it made one (QueueStats.Departed, from its head windows or
// scores); else the members of the previous head window before the current
// head, exact when the current head was in that window or the window held
// the whole queue, otherwise a lower bound (the window, and the drop in
// length).
func admitted(prev, cur saleState) (n int64, atLeast bool) {
	if cur.departed != nil {
		return *cur.departed, false
	}
	if prev.qlen == 0 || len(prev.head) == 0 {
		return 0, false
	}
	if cur.qlen == 0 || len(cur.head) == 0 {
		return prev.qlen, false // all left; none joined to stay
	}
	h := cur.head[0]
	for i, e := range prev.head {
		if e.User == h.User {
			return int64(i), false
		}
	}
	// The new head was not in the previous window: every member of it that
	// ranks before the new head left.
	before := int64(0)
	for _, e := range prev.head {
		if e.JoinedAtMs < h.JoinedAtMs || (e.JoinedAtMs == h.JoinedAtMs && e.User < h.User) {
			before++
		}
	}
	if before < int64(len(prev.head)) || int64(len(prev.head)) == prev.qlen {
		return before, false // the new head ranks inside the window (or the window was the queue)
	}
	return max(before, prev.qlen-cur.qlen), true
}

// leaks adds the leak watch's expired holds, one event per sale per tick.
func (l *Log) leaks(s *redisops.Snapshot) {
	type sum struct{ holds, units, unverified int64 }
	per := map[string]*sum{}
	var order []string
	for _, lk := range s.Leaks {
		g := per[lk.Sale]
		if g == nil {
			g = &sum{}
			per[lk.Sale] = g
			order = append(order, lk.Sale)
		}
		g.holds++
		g.units += lk.Quantity
		if lk.Class != redisops.LeakVerified {
			g.unverified += lk.Quantity
		}
	}
	slices.Sort(order)
	for _, sale := range order {
		g := per[sale]
		l.add(Event{Kind: Expired, Sale: sale, First: s.TakenAt, At: s.TakenAt, N: g.holds, Units: g.units, Unverified: g.unverified, Pops: 1})
	}
}

// AddAlert writes that an alert was raised at at: sale ("" for a server
// alert) and its text (safe for a terminal). The alerts are judged by the
// caller (package alerts): the log only keeps them in the story.
func (l *Log) AddAlert(at time.Time, sale, text string) {
	l.add(Event{Kind: Alert, Sale: sale, First: at, At: at, Note: text})
}

// growing reports whether events of kind grow into one line.
func growing(kind string) bool { return kind == Admitted || kind == Expired }

// add appends e, or grows the sale's last event into it: when that event is
// of the same growing kind and e comes within MergeGap of it (and the line
// spans at most MaxSpan) and no milestone of the sale (sold out, restocked,
// …) came since. A grown line stays where it began: the feed is in the order
// things began, so a sell-out is not pushed down by the admissions after it.
func (l *Log) add(e Event) {
	if growing(e.Kind) {
		for i := len(l.events) - 1; i >= 0; i-- {
			old := l.events[i]
			if old.Sale != e.Sale || (old.Kind != e.Kind && growing(old.Kind)) {
				continue // another sale's, or the other growing kind's
			}
			if old.Kind == e.Kind && e.At.Sub(old.At) <= MergeGap && e.At.Sub(old.First) <= MaxSpan {
				old.N += e.N
				old.AtLeast = old.AtLeast || e.AtLeast
				old.Units += e.Units
				old.Unverified += e.Unverified
				old.Pops += e.Pops
				old.At = e.At
				l.events[i] = old // in place: the feed is in order of when things began
				return
			}
			break // a milestone of the sale came since: a new line keeps the story in order
		}
	}
	l.events = append(l.events, e)
	if len(l.events) > MaxEvents {
		l.events = slices.Delete(l.events, 0, len(l.events)-MaxEvents)
	}
}
