package panels

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"flashtop/redisops"
	"flashtop/textsafe"

	"github.com/charmbracelet/x/ansi"
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

// scriptsLine is the worst script command's latency in vw cells: "since
// start evalsha p99 76µs · p50 16µs · p99.9 80µs", dropping from the end
// whole figures that do not fit (never half a figure); "no script run" or
// "not reported".
func (m Server) scriptsLine(s redisops.ServerStats, vw int) string {
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
	// p99 first: the figure an operator of a sale watches; the age of the
	// figures ("since start": the server's, not the last minute's) first of all.
	head := m.st.Dim.Render("since start ") + textsafe.Cut(worst, 12)
	parts := []string{" p99 " + usText(p.P99), valueSep + "p50 " + usText(p.P50), valueSep + "p99.9 " + usText(p.P999)}
	v := head
	for _, part := range parts {
		if ansi.StringWidth(v+part) > vw {
			break
		}
		v += part
	}
	return v
}

// errorsLine is "NOSCRIPT 12 +3/min · ERR 4" in vw cells, of every client
// but this flashtop (its own polls' replies are left out and their number
// said: a typeless hold read draws a WRONGTYPE by design): the kinds growing
// fastest first, whole kinds only, "+N kinds" for those left out; a growing
// kind drawn as a warning (NOSCRIPT, OOM and NOPERM as bad: the backend's
// scripts are failing); "none since start" or "not reported".
func (m Server) errorsLine(s redisops.ServerStats, vw int) string {
	errs := s.OthersErrors() // the backend's and everyone's but this flashtop's
	own := int64(0)
	for _, n := range s.FlashtopErrors {
		own += n
	}
	// ownNote says how many of flashtop's own were left out, in the first
	// of its forms that fits after the text before it (dropped when none
	// does: the figures come first).
	ownNote := func(before string) string {
		if own == 0 {
			return ""
		}
		for _, f := range []string{" (not counting flashtop's own %s)", " (flashtop's own %s left out)"} {
			if n := fmt.Sprintf(f, fmtCount(own)); ansi.StringWidth(before)+ansi.StringWidth(n) <= vw {
				return m.st.Dim.Render(n)
			}
		}
		return ""
	}
	for k, n := range errs {
		if n == 0 {
			delete(errs, k)
		}
	}
	switch {
	case errs == nil:
		return m.st.Dim.Render(notReported)
	case len(errs) == 0:
		return m.st.Dim.Render("none since start") + ownNote("none since start")
	}
	kinds := slices.Sorted(maps.Keys(errs))
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
		return int(errs[b] - errs[a]) // more first
	})
	var parts []string
	width := 0
	shown := 0
	for _, k := range kinds[:min(len(kinds), errorKindsMax)] {
		part := textsafe.Cut(k, 32) + " " + fmtCount(errs[k])
		if r, ok := m.errs.perMinute(k); ok && r > 0 {
			part += " +" + strconv.FormatFloat(r, 'f', perMinDigits(r), 64) + "/min"
			if k == "NOSCRIPT" || k == "OOM" || k == "NOPERM" {
				part = m.st.Bad.Render(part)
			} else {
				part = m.st.Warn.Render(part)
			}
		}
		w := ansi.StringWidth(part) + len(valueSep)
		if shown > 0 && width+w+len(" +9 kinds") > vw {
			break
		}
		parts = append(parts, part)
		width += w
		shown++
	}
	if n := len(kinds) - shown; n > 0 {
		parts = append(parts, m.st.Dim.Render("+"+strconv.Itoa(n)+" kinds"))
	}
	line := strings.Join(parts, valueSep)
	return line + ownNote(line)
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
