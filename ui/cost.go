package ui

import (
	"fmt"
	"strings"

	"flashtop/redisops"
)

// costText is the cost meter of the status bar: what the last tick sent and
// received, its round-trip time, and how far discovery has come ("" when the
// backend does not measure its cost, e.g. a full snapshot per tick).
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
// fresh the data is, then the cost meter.
func (m Model) dataLine() string {
	if m.snap == nil || m.snap.Cost == nil {
		return m.dataAge()
	}
	return m.dataAge() + "  ·  " + costText(m.snap.Cost)
}
