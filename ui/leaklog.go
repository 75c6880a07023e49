package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"flashtop/redisops"
	"flashtop/textsafe"
	"flashtop/ui/panels"
)

// leakGroup is the leaks one snapshot revealed for one sale.
type leakGroup struct {
	sale           string
	holds, units   int64
	unverified     int64 // units not seen to expire
	recordedBefore int64 // holds another watcher had recorded first
	key            string
	at             time.Time // the last leak's observation
}

// leakEntries turns a snapshot's leaks into command log lines: one per sale
// (a tick that loses 40 holds logs one line, not 40), in sale order, with
// counted nouns, the figures first (a narrow log cuts the end): "s1: 3 holds
// expired, 7 units lost (2 unverified)". A single hold names its key; leaks
// another flashtop recorded first are counted. (The ledger is
// flashtop:leaks:{sale}, as docs/leaks.md says: not repeated on every line.)
func leakEntries(leaks []redisops.WatchedLeak) []panels.LogEntry {
	groups := map[string]*leakGroup{}
	for _, l := range leaks {
		g := groups[l.Sale]
		if g == nil {
			g = &leakGroup{sale: l.Sale, key: l.Key}
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
		if l.At.After(g.at) {
			g.at = l.At
		}
	}
	sales := make([]string, 0, len(groups))
	for s := range groups {
		sales = append(sales, s)
	}
	slices.Sort(sales)
	out := make([]panels.LogEntry, 0, len(sales))
	for _, s := range sales {
		g := groups[s]
		out = append(out, panels.LogEntry{At: g.at, Command: g.text(), Status: leakStatus})
	}
	return out
}

// text is the group's log line.
func (g *leakGroup) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s expired, %s lost", textsafe.String(g.sale), counted(g.holds, "hold"), counted(g.units, "unit"))
	if g.unverified > 0 {
		fmt.Fprintf(&b, " (%d unverified)", g.unverified)
	}
	if g.holds == 1 {
		b.WriteString(" · " + textsafe.String(g.key))
	}
	if g.recordedBefore > 0 {
		fmt.Fprintf(&b, " · %d recorded first by another flashtop", g.recordedBefore)
	}
	return b.String()
}

// counted is "1 hold", "3 holds".
func counted(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
