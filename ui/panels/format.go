package panels

import (
	"flashtop/numfmt"
	"fmt"
	"math"
	"strconv"
	"time"
)

// dash stands for "no value".
const dash = "—"

// clockLayout is how panels show a time of day.
const clockLayout = "15:04:05"

// fmtDuration formats d compactly: "0s", "45s", "4m12s", "2h05m", "3d04h"
// (numfmt.Duration: the alerts' texts write durations the same way).
// Negative durations format as "0s".
func fmtDuration(d time.Duration) string { return numfmt.Duration(d) }

// fmtMicros formats a duration in microseconds: "850µs", "12.3ms", "1.20s".
func fmtMicros(us int64) string {
	switch {
	case us < 1000:
		return strconv.FormatInt(us, 10) + "µs"
	case us < 1_000_000:
		return strconv.FormatFloat(float64(us)/1000, 'f', 1, 64) + "ms"
	default:
		return strconv.FormatFloat(float64(us)/1e6, 'f', 2, 64) + "s"
	}
}

// FormatBytes writes a byte count in binary units (512B, 1.5K, 2.0G), as the
// panels do; the header uses it too.
func FormatBytes(n int64) string { return fmtBytes(n) }

// fmtBytes formats a byte count with binary units: "512B", "1.5K", "2.0G".
func fmtBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatInt(n, 10) + "B"
	}
	v, units := float64(n), "KMGTPE"
	i := -1
	for v >= unit && i < len(units)-1 {
		v /= unit
		i++
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + string(units[i])
}

// approxMark starts a count shown rounded because its exact digits do not
// fit ("≈12.3M"): a rounded count always says so.
const approxMark = "≈"

// fmtCount formats an integer exactly, with thousands separators
// (numfmt.Count: "24,960"). Stock and counts are never rounded by it.
func fmtCount(n int64) string { return numfmt.Count(n) }

// FormatCount writes an integer exactly with thousands separators
// ("24,960"), as the panels do; the header uses it too.
func FormatCount(n int64) string { return fmtCount(n) }

// fmtCountFit formats a count that is not a stock in at most w cells: the
// exact digits when they fit, else the compact form marked as rounded
// ("≈12.3k", "≈4.5M", "≈1.2G"); a stock is never given to it.
func fmtCountFit(n int64, w int) string {
	exact := fmtCount(n)
	if len(exact) <= w {
		return exact
	}
	return approxMark + fmtCompact(n)
}

// fmtCompact is n with one decimal in thousands, millions, billions or
// trillions: "12.3k", "-4.5M". Only fmtCountFit uses it, behind approxMark.
func fmtCompact(n int64) string {
	v := float64(n)
	units := []struct {
		div    float64
		suffix string
	}{{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}}
	for _, u := range units {
		if math.Abs(v) >= u.div {
			return strconv.FormatFloat(v/u.div, 'f', 1, 64) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10)
}

// fmtRate formats a stock change per minute: one decimal below 1,000
// ("-3.5", "+12.0"), whole units with separators from 1,000 on ("-25,000");
// "0" for less than 0.05; "—" for NaN and infinities.
func fmtRate(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > math.MaxInt64/2 {
		return dash
	}
	if math.Abs(v) < 0.05 {
		return "0"
	}
	if math.Abs(v) >= 1000 {
		s := fmtCount(int64(math.Round(v)))
		if v > 0 {
			s = "+" + s
		}
		return s
	}
	return fmt.Sprintf("%+.1f", v)
}

// fmtClock formats t as a time of day in now's location ("—" for zero).
func fmtClock(t, now time.Time) string {
	if t.IsZero() {
		return dash
	}
	return t.In(now.Location()).Format(clockLayout)
}

// staleSuffix is the title suffix for old data: " · data 12s old".
func staleSuffix(d Data) string {
	if !d.Stale || d.Snap == nil {
		return ""
	}
	return " · data " + fmtDuration(d.age()) + " old"
}
