package ui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"flashtop/redisops"
	"flashtop/textsafe"
	"flashtop/ui/panels"
)

// The dashboard's side of the leak watch: the command-log lines of the
// leaks a snapshot brings and the reclaim key L (when it may start; its
// confirm and call are the operation table's, redisops.KindReclaim). The
// watch itself, and the Backend wrapper that feeds it each poll, are
// package leakwatch.

// leakStatus is the command log's status word of a leak.
const leakStatus = "leaked"

// logLeaks adds the leaks a snapshot reveals to the command log, one line
// per sale that grows over consecutive ticks (below), and its leak
// watch or recording errors. A leak already logged (a replay stepping back
// over it) is not logged again.
func (m *Model) logLeaks(s *redisops.Snapshot) {
	if s == nil {
		return
	}
	for _, g := range leakGroups(m.leaks.fresh(s.Leaks)) {
		m.logLeakGroup(g)
	}
	for _, e := range []string{s.LeakErr, s.RecordErr} {
		if e != "" {
			m.appendLogOnce(panels.LogEntry{At: s.TakenAt, Command: "leak watch", Err: textsafe.String(e)})
		}
	}
}

// appendLogOnce appends e unless the log's last entries already hold it
// (same time and command; an error: same text as the last entry).
func (m *Model) appendLogOnce(e panels.LogEntry) {
	for i := len(m.log) - 1; i >= 0 && i >= len(m.log)-maxLog; i-- {
		old := m.log[i]
		if old.Command == e.Command && (old.At.Equal(e.At) || (e.Err != "" && old.Err == e.Err && i == len(m.log)-1)) {
			return
		}
	}
	m.appendLog(e)
}

// appendLog appends e to the command log, which keeps the last maxLog entries.
func (m *Model) appendLog(e panels.LogEntry) {
	m.log = append(m.log, e)
	if len(m.log) > maxLog {
		m.log = append([]panels.LogEntry(nil), m.log[len(m.log)-maxLog:]...)
	}
}

// reclaimReady reports whether sale has verified leaks to reclaim, the
// precondition of the reclaim key: its confirm (redisops, KindReclaim) then
// names the ledger key, the verified units it gives back and the unverified
// units it leaves. When nothing verified is waiting it says so in the status
// bar: the dashboard never gives back a leak that was not seen to expire (it
// may have been sold: DESIGN.md §6).
func (m *Model) reclaimReady(saleID string) bool {
	row, _ := m.saleRow(saleID) // ui/confirm.go
	sale := textsafe.Cut(saleID, maxDialogWidth/2)
	verified := row.LeakedUnits - row.LeakedUnverifiedUnits
	switch {
	case row.LeakedUnits == 0:
		m.setStatus(statusInfo, "nothing to reclaim: no leaked units recorded for sale "+sale)
		return false
	case verified <= 0:
		m.setStatus(statusInfo, fmt.Sprintf("nothing verified to reclaim: %d unverified units in sale %s (may have been sold): %s",
			row.LeakedUnverifiedUnits, sale, redisops.ReclaimUnverifiedCommand(saleID)))
		return false
	}
	return true
}

// A sale's leak line grows over consecutive ticks instead of repeating:
// under steady expiry (a hold or two every second) the log would otherwise
// gain a line per sale per tick and scroll the operator's own commands away.
const (
	// leakRunGap: a sale's next leaks join its line while they come within
	// this of its last one.
	leakRunGap = 10 * time.Second
	// leakRunSpan: a line covers at most this much time; then a new line
	// starts, so steady expiry leaves one line per sale per minute.
	leakRunSpan = time.Minute
	// leakSeenMax is how many leaks are remembered to log each only once.
	leakSeenMax = 4096
)

// leakGroup is the leaks of one sale: one snapshot's, or a run of ticks'.
type leakGroup struct {
	sale           string
	holds, units   int64
	unverified     int64 // units not seen to expire
	recordedBefore int64 // holds another watcher had recorded first
	key            string
	first, at      time.Time // the first and the last leak's observation
	ticks          int       // snapshots that brought them
}

// leakGroups groups leaks per sale, in sale order.
func leakGroups(leaks []redisops.WatchedLeak) []*leakGroup {
	groups := map[string]*leakGroup{}
	for _, l := range leaks {
		g := groups[l.Sale]
		if g == nil {
			g = &leakGroup{sale: l.Sale, key: l.Key, first: l.At, at: l.At, ticks: 1}
			groups[l.Sale] = g
		}
		g.holds++
		g.units += l.Quantity
		if l.Class != redisops.LeakVerified {
			g.unverified += l.Quantity
		}
		if !l.Recorded {
			g.recordedBefore++
		}
		g.first, g.at = earlier(g.first, l.At), later(g.at, l.At)
	}
	out := make([]*leakGroup, 0, len(groups))
	for _, g := range groups {
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b *leakGroup) int { return strings.Compare(a.sale, b.sale) })
	return out
}

// leakEntries turns one snapshot's leaks into command log lines: one per
// sale (a tick that loses 40 holds logs one line, not 40), in sale order,
// with counted nouns, the figures first (a narrow log cuts the end): "s1: 3
// holds expired, 7 units lost (2 unverified)". A single hold names its key;
// leaks another flashtop recorded first are counted. (The ledger is
// flashtop:leaks:{sale}, as docs/leaks.md says: not repeated on every line.)
func leakEntries(leaks []redisops.WatchedLeak) []panels.LogEntry {
	groups := leakGroups(leaks)
	out := make([]panels.LogEntry, 0, len(groups))
	for _, g := range groups {
		out = append(out, g.entry())
	}
	return out
}

// entry is the group's command log line, at its last leak.
func (g *leakGroup) entry() panels.LogEntry {
	return panels.LogEntry{At: g.at, Command: g.text(), Status: leakStatus}
}

// text is the group's log line: "s1: 14 holds expired, 23 units lost (2
// unverified) · in the last 12s" (the span once the line covers more than
// one tick; the time column gives the last leak's).
func (g *leakGroup) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s expired, %s lost", textsafe.String(g.sale), counted(g.holds, "hold"), counted(g.units, "unit"))
	if g.unverified > 0 {
		fmt.Fprintf(&b, " (%d unverified)", g.unverified)
	}
	if g.holds == 1 {
		b.WriteString(" · " + textsafe.String(g.key))
	}
	if span := g.at.Sub(g.first).Round(time.Second); g.ticks > 1 && span >= time.Second {
		b.WriteString(" · in the last " + strconv.Itoa(int(span/time.Second)) + "s")
	}
	if g.recordedBefore > 0 {
		fmt.Fprintf(&b, " · %d recorded first by another flashtop", g.recordedBefore)
	}
	return b.String()
}

// add adds o's leaks (the same sale's) to g.
func (g *leakGroup) add(o *leakGroup) {
	g.holds += o.holds
	g.units += o.units
	g.unverified += o.unverified
	g.recordedBefore += o.recordedBefore
	g.ticks += o.ticks
	g.first, g.at = earlier(g.first, o.first), later(g.at, o.at)
}

// joins says whether o's leaks continue g's line (see leakRunGap, leakRunSpan).
func (g *leakGroup) joins(o *leakGroup) bool {
	return o.first.Sub(g.at) <= leakRunGap && later(g.at, o.at).Sub(earlier(g.first, o.first)) <= leakRunSpan
}

// leakLog is the command log's memory of leaks: each sale's growing line,
// and the leaks already logged.
type leakLog struct {
	runs  map[string]*leakRun
	seen  map[string]bool
	order []string // seen, oldest first (at most leakSeenMax)
}

// leakRun is a sale's growing line: its totals and the entry as it stands
// in the log.
type leakRun struct {
	leakGroup
	entry panels.LogEntry
}

// fresh returns the leaks not logged yet (a replay stepping back over a
// tick, or the same snapshot twice, brings them again) and remembers them.
func (l *leakLog) fresh(leaks []redisops.WatchedLeak) []redisops.WatchedLeak {
	if l.seen == nil {
		l.seen = map[string]bool{}
	}
	out := make([]redisops.WatchedLeak, 0, len(leaks))
	for _, lk := range leaks {
		id := lk.Key + "@" + lk.Stamp + "@" + strconv.FormatInt(lk.At.UnixNano(), 10)
		if l.seen[id] {
			continue
		}
		l.seen[id] = true
		l.order = append(l.order, id)
		if len(l.order) > leakSeenMax {
			delete(l.seen, l.order[0])
			l.order = l.order[1:]
		}
		out = append(out, lk)
	}
	return out
}

// logLeakGroup logs one sale's new leaks: they join the sale's line when it
// is recent (leakRunGap, leakRunSpan) and still in the log — the line then
// moves to the bottom with the new totals — else they start a new line.
func (m *Model) logLeakGroup(g *leakGroup) {
	if m.leaks.runs == nil {
		m.leaks.runs = map[string]*leakRun{}
	}
	if r := m.leaks.runs[g.sale]; r != nil && r.joins(g) {
		if i := slices.Index(m.log, r.entry); i >= 0 {
			m.log = slices.Delete(slices.Clone(m.log), i, i+1) // the panel may still hold the old slice
			r.add(g)
			r.entry = r.leakGroup.entry()
			m.appendLog(r.entry)
			return
		}
	}
	r := &leakRun{leakGroup: *g}
	r.entry = r.leakGroup.entry()
	m.leaks.runs[g.sale] = r
	m.appendLog(r.entry)
}

// counted is "1 hold", "3 holds".
func counted(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// earlier is the earlier of a and b; later the later.
func earlier(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
