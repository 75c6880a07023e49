package ui

import (
	"strconv"
	"time"

	"github.com/charmbracelet/lipgloss"

	"flashtop/redisops"
	"flashtop/textsafe"
)

// Freshness of the hold counts: the status bar always says whether the
// per-sale HOLDS and held units are live (kept current by the poller's push
// feed within one tick) or as of when (DESIGN.md §6, CONVENTIONS.md 20).
const (
	holdsLive       = "holds live"
	holdsAsOf       = "holds as of "
	holdsVerifying  = "holds verifying"
	holdsIncomplete = "holds incomplete" // no walk has finished yet
	holdsNotRead    = "holds not read yet"
	feedWalkOnly    = "walk only"
	feedRetrying    = "feed reconnecting"
	freshSep        = " · "
	maxReasonWidth  = 48 // a reason longer than this is cut
)

// freshness is what the status bar says about the hold counts.
type freshness struct {
	live bool
	// tiers are the same words longest first, each dropping a detail of the
	// one before (the reason, then the state); the bar shows the first that fits.
	tiers []string
}

// holdsFreshness says how current the hold counts of s are. stale is set
// while polls fail or polling is paused: the counts are then as of the
// snapshot at best, whatever the feed said then.
func holdsFreshness(s *redisops.Snapshot, stale bool, loc *time.Location) freshness {
	if s == nil {
		return freshness{tiers: []string{holdsNotRead}}
	}
	clock := func(t time.Time) string { return t.In(loc).Format("15:04:05") }
	f := s.Feed
	if f.Live() {
		if stale {
			return freshness{tiers: []string{holdsAsOf + clock(s.TakenAt)}}
		}
		return freshness{live: true, tiers: []string{holdsLive}}
	}
	progress := func(walk string) string { // " (walk 42%)": how far the current walk has come
		if s.Cost == nil {
			return ""
		}
		return " (" + walk + " " + strconv.Itoa(int(min(max(s.Cost.ScanProgress, 0), 1)*100)) + "%)"
	}
	reason := textsafe.Cut(f.Reason, maxReasonWidth)
	if f.State == redisops.FeedVerifying {
		return freshness{tiers: tiers(holdsVerifying, progress("repair walk"), prefixed(freshSep, reason))}
	}
	head := holdsAsOf + clock(f.AsOf)
	if f.AsOf.IsZero() {
		head = holdsIncomplete + progress("walk")
	}
	state := "feed " + textsafe.Cut(f.State, maxReasonWidth) // a state this dashboard does not know: named
	switch f.State {
	case redisops.FeedOff:
		state = feedWalkOnly
	case redisops.FeedReconnecting:
		state = feedRetrying
	}
	return freshness{tiers: tiers(head, freshSep+state, prefixed(": ", reason))}
}

// tiers returns the cumulative prefixes of parts, longest first: head+a+b,
// head+a, head; an empty part adds no tier.
func tiers(head string, parts ...string) []string {
	out := []string{head}
	for _, p := range parts {
		if p != "" {
			out = append([]string{out[0] + p}, out...)
		}
	}
	return out
}

// prefixed is p+s, or "" when s is.
func prefixed(p, s string) string {
	if s == "" {
		return ""
	}
	return p + s
}

// pick returns the longest tier that fits in w cells, else the shortest cut
// to w ("" when w leaves no room).
func (f freshness) pick(w int) string {
	if w <= 0 || len(f.tiers) == 0 {
		return ""
	}
	for _, t := range f.tiers {
		if lipgloss.Width(t) <= w {
			return t
		}
	}
	return cutLine(f.tiers[len(f.tiers)-1], w)
}

// freshness is the current freshness of the hold counts.
func (m Model) freshness() freshness {
	return holdsFreshness(m.snap, m.disconnected() || m.poll.paused, m.now.Location())
}

// freshnessText renders the freshness in at most w cells: the live tone
// when live, a warning tone when not.
func (m Model) freshnessText(w int) string {
	f := m.freshness()
	text := f.pick(w)
	if text == "" {
		return ""
	}
	if f.live {
		return m.st.HoldsLive.Render(text)
	}
	return m.st.HoldsNotLive.Render(text)
}
