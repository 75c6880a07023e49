package panels

import (
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"flashtop/redisops"
	"flashtop/textsafe"
)

// The server's health lines: script latency (INFO latencystats) and error
// replies by kind (INFO errorstats) with their change per minute.
const (
	errorsWindow  = time.Minute      // the change per minute is over the last minute
	errorsMinSpan = 10 * time.Second // less history than this: no rate yet
	notReported   = "not reported"   // the server does not give the section (never 0)
	errorKindsMax = 3                // kinds shown, the fastest-growing first
)

// errorSample is the error counts of one snapshot.
type errorSample struct {
	at     time.Time
	counts map[string]int64
}

// errorHistory keeps the error counts of the last minute of snapshots.
type errorHistory struct{ s []errorSample }

// add keeps counts at at; a count that went down (a restart, CONFIG
// RESETSTAT) starts the history again.
func (h *errorHistory) add(at time.Time, counts map[string]int64) {
	if counts == nil {
		h.s = h.s[:0]
		return
	}
	if n := len(h.s); n > 0 {
		if !at.After(h.s[n-1].at) {
			return
		}
		for k, v := range h.s[n-1].counts {
			if counts[k] < v {
				h.s = h.s[:0]
				break
			}
		}
	}
	h.s = append(h.s, errorSample{at: at, counts: counts})
	cut := 0
	for cut < len(h.s)-1 && at.Sub(h.s[cut+1].at) >= errorsWindow {
		cut++ // keep one sample at least a minute old as the base
	}
	h.s = append(h.s[:0], h.s[cut:]...)
}

// perMinute is how much the count of kind grew per minute over the kept
// history, and false while the history spans less than errorsMinSpan.
func (h *errorHistory) perMinute(kind string) (float64, bool) {
	if len(h.s) < 2 {
		return 0, false
	}
	first, last := h.s[0], h.s[len(h.s)-1]
	span := last.at.Sub(first.at)
	if span < errorsMinSpan {
		return 0, false
	}
	return float64(last.counts[kind]-first.counts[kind]) / span.Minutes(), true
}

// scripts is the worst script command's latency: "evalsha p50 16µs · p99
// 76µs · p99.9 80µs (since start)"; "no script run" or "not reported".
func (m Server) scriptsLine(s redisops.ServerStats) string {
	switch {
	case s.ScriptLatencyUs == nil:
		return m.st.Dim.Render(notReported)
	case len(s.ScriptLatencyUs) == 0:
		return m.st.Dim.Render("no script run since start")
	}
	cmds := slices.Sorted(maps.Keys(s.ScriptLatencyUs))
	worst := cmds[0]
	for _, c := range cmds[1:] {
		if s.ScriptLatencyUs[c].P99 > s.ScriptLatencyUs[worst].P99 {
			worst = c
		}
	}
	p := s.ScriptLatencyUs[worst]
	v := textsafe.String(worst) + " p50 " + usText(p.P50) + valueSep + "p99 " + usText(p.P99) + valueSep + "p99.9 " + usText(p.P999)
	return v + m.st.Dim.Render(" (since start)") // the box cuts what does not fit
}

// errors is "NOSCRIPT 12 +3/min · ERR 4": the kinds growing fastest first,
// a growing kind drawn as a warning (NOSCRIPT, OOM and NOPERM as bad: the
// backend's scripts are failing); "none since start" or "not reported".
func (m Server) errorsLine(s redisops.ServerStats) string {
	switch {
	case s.Errors == nil:
		return m.st.Dim.Render(notReported)
	case len(s.Errors) == 0:
		return m.st.Dim.Render("none since start")
	}
	kinds := slices.Sorted(maps.Keys(s.Errors))
	rate := func(k string) float64 {
		r, _ := m.errs.perMinute(k) // 0 without history
		return r
	}
	slices.SortStableFunc(kinds, func(a, b string) int {
		if ra, rb := rate(a), rate(b); ra != rb {
			if ra > rb {
				return -1
			}
			return 1
		}
		return int(s.Errors[b] - s.Errors[a]) // more first
	})
	var parts []string
	for _, k := range kinds[:min(len(kinds), errorKindsMax)] {
		part := textsafe.Cut(k, 32) + " " + fmtCount(s.Errors[k])
		if r, ok := m.errs.perMinute(k); ok && r > 0 {
			part += " +" + strconv.FormatFloat(r, 'f', perMinDigits(r), 64) + "/min"
			if k == "NOSCRIPT" || k == "OOM" || k == "NOPERM" {
				part = m.st.Bad.Render(part)
			} else {
				part = m.st.Warn.Render(part)
			}
		}
		parts = append(parts, part)
	}
	if n := len(kinds) - errorKindsMax; n > 0 {
		parts = append(parts, m.st.Dim.Render("+"+strconv.Itoa(n)+" kinds"))
	}
	return strings.Join(parts, valueSep) // the box cuts what does not fit
}

// perMinDigits is 0 decimals from 10/min, else 1.
func perMinDigits(r float64) int {
	if r >= 10 {
		return 0
	}
	return 1
}

// usText is a latency given in fractional µs, as fmtMicros writes it.
func usText(us float64) string { return fmtMicros(int64(math.Round(us))) }
