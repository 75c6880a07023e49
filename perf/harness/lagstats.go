package main

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// sample is one repeat of a lag measurement. A repeat that did not see the
// screen reach its goal (a timeout, a precondition never met, an error) is
// failed: it has no duration and says why.
type sample struct {
	lag    time.Duration // write sent → screen seen showing it (ok only)
	ok     bool
	count  shownCount // the display that met the goal (ok only), e.g. "20.0k"
	why    string     // why it failed, short: "timeout after 20s", "not measured"
	detail string     // more about why, e.g. the precondition not met
	last   string     // when failed: the last display read, quoted ("\"45\"") or "no count"
	trail  []string   // the display's changes after the write, timed from it
	// marked: the goal's number was on screen with the not-live mark first,
	// markedAt after the write; such a display is not counted as a pass.
	marked   bool
	markedAt time.Duration
}

// percentile is the nearest-rank p-th percentile (0 < p ≤ 100) of sorted
// durations: the smallest value with at least p% of the values at or below
// it. It returns false for no values.
func percentile(sorted []time.Duration, p float64) (time.Duration, bool) {
	if len(sorted) == 0 || p <= 0 || p > 100 {
		return 0, false
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1], true
}

// lagSummary is a lag figure over its repeats against a target.
type lagSummary struct {
	measured string
	pass     bool
}

// summarize reports p50, p99 and max of the repeats. A failed repeat ranks
// above every measured one (it took longer than the cap or was never seen),
// so a percentile that falls on one is shown as that failure, and the figure
// passes only when every repeat was seen and p99 is within target.
func summarize(samples []sample, target time.Duration) lagSummary { //nolint:unparam // one target today; the rule is the caller's
	if len(samples) == 0 {
		return lagSummary{measured: "no repeats run"}
	}
	var lags []time.Duration
	var fails []sample
	var kinds []string              // distinct failures, first seen first
	lastBy := map[string][]string{} // failure → the displays it left on screen
	for _, s := range samples {
		if s.ok {
			lags = append(lags, s.lag)
			continue
		}
		fails = append(fails, s)
		if _, seen := lastBy[s.failure()]; !seen {
			kinds = append(kinds, s.failure())
		}
		lastBy[s.failure()] = append(lastBy[s.failure()], s.last)
	}
	// Failed repeats rank last, as a duration longer than any measured.
	const failed = time.Duration(math.MaxInt64)
	all := slices.Sorted(slices.Values(append(slices.Clone(lags), slices.Repeat([]time.Duration{failed}, len(fails))...)))
	at := func(p float64) string {
		if d, _ := percentile(all, p); d != failed {
			return fmtLag(d)
		}
		return fails[0].why
	}
	parts := []string{"p50 " + at(50), "p99 " + at(99), "max " + at(100)}
	m := strings.Join(parts, ", ") + fmt.Sprintf(" (n=%d", len(samples))
	if len(fails) > 0 {
		var why []string
		for _, w := range kinds {
			why = append(why, fmt.Sprintf("%d× %s, screen showed %s", len(lastBy[w]), w, strings.Join(lastBy[w], ", ")))
		}
		m += "; " + strings.Join(why, "; ")
	}
	m += ")"
	p99, _ := percentile(all, 99)
	return lagSummary{measured: m, pass: len(fails) == 0 && p99 <= target}
}

// failure is why a sample failed, with its detail: "not measured: the
// screen was not at 0 within 20s before the write".
func (s sample) failure() string {
	if s.detail == "" {
		return s.why
	}
	return s.why + ": " + s.detail
}

// fmtLag prints a lag in seconds with millisecond precision: "0.412s".
func fmtLag(d time.Duration) string { return fmt.Sprintf("%.3fs", d.Seconds()) }
