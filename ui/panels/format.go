package panels

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// dash stands for "no value".
const dash = "—"

// clockLayout is how panels show a time of day.
const clockLayout = "15:04:05"

// fmtDuration formats d compactly: "0s", "45s", "4m12s", "2h05m", "3d04h".
// Negative durations format as "0s".
func fmtDuration(d time.Duration) string {
	if d < time.Second {
		if d <= 0 {
			return "0s"
		}
		return strconv.FormatInt(d.Milliseconds(), 10) + "ms"
	}
	s := int64(d / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	case s < 86400:
		return fmt.Sprintf("%dh%02dm", s/3600, s%3600/60)
	default:
		return fmt.Sprintf("%dd%02dh", s/86400, s%86400/3600)
	}
}

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

// fmtBytes formats a byte count with binary units: "512B", "1.5K", "2.0G".
// FormatBytes writes a byte count in binary units (512B, 1.5K, 2.0G), as the
// panels do; the header uses it too.
func FormatBytes(n int64) string { return fmtBytes(n) }

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

// fmtCount formats an integer compactly: "999", "12.3k", "4.5M".
func fmtCount(n int64) string { return fmtCountPrec(n, 1) }

// fmtCountPrec is fmtCount with prec decimals from 10,000 on ("12k" at 0).
func fmtCountPrec(n int64, prec int) string {
	a := n
	if a < 0 {
		a = -a
	}
	switch {
	case a < 10_000:
		return strconv.FormatInt(n, 10)
	case a < 1_000_000:
		return strconv.FormatFloat(float64(n)/1e3, 'f', prec, 64) + "k"
	case a < 1_000_000_000:
		return strconv.FormatFloat(float64(n)/1e6, 'f', prec, 64) + "M"
	default:
		return strconv.FormatFloat(float64(n)/1e9, 'f', prec, 64) + "G"
	}
}

// fmtRate formats a signed rate with one decimal: "+12.0", "-3.5", "0".
func fmtRate(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return dash
	}
	if math.Abs(v) < 0.05 {
		return "0"
	}
	if math.Abs(v) >= 10_000 {
		return fmt.Sprintf("%+.0fk", v/1000)
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
