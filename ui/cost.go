package ui

import (
	"fmt"
	"strconv"
	"strings"

	"flashtop/redisops"
)

// costText is the cost meter of the status bar: what the last tick sent and
// received, its round-trip time, and how far discovery has come ("" when the
// backend does not measure its cost, e.g. a full snapshot per tick). The push
// feed's figures follow it (feedText).
//
//	tick 41 cmd · 1 trip · 1.2kB↑ 7.3kB↓ · rtt 0.8ms │ scan 37% · 2 walks · 1204 holds · events off
func costText(c *redisops.PollCost) string {
	if c == nil {
		return ""
	}
	trips := "trips"
	if c.RoundTrips == 1 {
		trips = "trip"
	}
	walks := "walks"
	if c.WalksDone == 1 {
		walks = "walk"
	}
	events := "events off"
	if c.Events {
		events = "events on"
	}
	return fmt.Sprintf("tick %d cmd · %d %s · %s↑ %s↓ · rtt %s │ scan %d%% · %d %s · %d holds · %s",
		c.Commands, c.RoundTrips, trips, costBytes(c.BytesOut), costBytes(c.BytesIn), fmtMs(c.RTTMs),
		int(c.ScanProgress*100), c.WalksDone, walks, c.HoldsIndexed, events)
}

// feedText is the push feed's part of the cost meter: the key names it
// pushed per second, and in a cluster how many masters' feeds are armed
// ("" without a feed: a full read).
//
//	feed 120 keys/s    feed 2/3 armed · 120 keys/s    feed off
func feedText(f *redisops.FeedStatus) string {
	switch {
	case f == nil:
		return ""
	case f.State == redisops.FeedOff:
		return "feed off"
	}
	s := "feed "
	if f.Masters > 1 {
		s += fmt.Sprintf("%d/%d armed · ", f.Armed, f.Masters)
	}
	return s + fmtPerSec(f.PushedPerSec) + " keys/s"
}

// fmtPerSec writes a rate short: 0, 0.4, 12, 1.2k.
func fmtPerSec(v float64) string {
	switch {
	case !(v >= 0.05): // NaN and negatives too
		return "0"
	case v < 10:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", v), ".0")
	case v < 10_000:
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1fk", v/1e3)
}

// costBytes writes a byte count short: 812B, 7.3kB, 1.2MB.
func costBytes(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%dB", n)
	case n < 1_000_000:
		return fmt.Sprintf("%.1fkB", float64(n)/1e3)
	}
	return fmt.Sprintf("%.1fMB", float64(n)/1e6)
}

// fmtMs writes milliseconds with a precision that suits their size.
func fmtMs(ms float64) string {
	if ms < 10 {
		return strings.TrimSuffix(fmt.Sprintf("%.1f", ms), ".0") + "ms"
	}
	return fmt.Sprintf("%.0fms", ms)
}

// dataLine is the status bar's first line when there is no message: how
// fresh the data is, then the cost meter and the feed.
func (m Model) dataLine() string {
	if m.snap == nil {
		return m.dataAge()
	}
	meter := costText(m.snap.Cost)
	if feed := feedText(m.snap.Feed); feed != "" && meter != "" {
		meter += " · " + feed
	} else if feed != "" {
		meter = feed
	}
	age := m.dataAge()
	if cut := activeCut(m.snap); cut != "" { // the sales rows lack some active ids yet: said first
		age += "  ·  " + cut
	}
	if meter == "" {
		return age
	}
	return age + "  ·  " + meter
}

// activeCut says how much of flash_sales:active the sales rows come from
// while the poller has not read it whole yet ("" once it has).
func activeCut(s *redisops.Snapshot) string {
	if s.Truncated == nil || s.Truncated.ActiveSales == nil {
		return ""
	}
	c := s.Truncated.ActiveSales
	total := "?"
	if c.Total >= 0 {
		total = strconv.FormatInt(c.Total, 10)
	}
	return fmt.Sprintf("%s: %d of %s ids read so far", redisops.ActiveSalesKey, c.Shown, total)
}
