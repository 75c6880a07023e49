package panels

import (
	"strings"
	"time"
)

// sparkLevels are the eight levels of a sparkline, lowest first, each a
// three-byte rune.
const (
	sparkLevels    = "▁▂▃▄▅▆▇█"
	sparkRuneBytes = 3
	sparkTop       = len(sparkLevels)/sparkRuneBytes - 1
)

// sample is one value of a series at one snapshot time.
type sample struct {
	at time.Time
	v  float64
}

// series is a bounded time series: samples older than window (relative to the
// newest) are dropped, and at most limit samples are kept.
type series struct {
	window time.Duration
	limit  int
	s      []sample
	// The last sparkline drawn, reused until a sample is added or the width
	// changes.
	sparkW   int
	sparkStr string
}

// add appends v at time at (ignored unless at is after the newest sample) and
// drops what is out of the window or over the limit.
func (r *series) add(at time.Time, v float64) {
	if n := len(r.s); n > 0 && !at.After(r.s[n-1].at) {
		return
	}
	r.s = append(r.s, sample{at: at, v: v})
	r.sparkW, r.sparkStr = 0, ""
	cut := 0
	for cut < len(r.s)-1 && (at.Sub(r.s[cut].at) > r.window || len(r.s)-cut > r.limit) {
		cut++
	}
	if cut > 0 {
		// Copy down so the backing array does not grow without bound.
		r.s = append(r.s[:0], r.s[cut:]...)
	}
}

// last returns the newest sample.
func (r *series) last() (sample, bool) {
	if len(r.s) == 0 {
		return sample{}, false
	}
	return r.s[len(r.s)-1], true
}

// ratePerMinute is the change per minute over about the last span: from the
// oldest sample within span of the newest (or the one just before, when the
// newest is alone in the span) to the newest. ok is false with fewer than two
// samples.
func (r *series) ratePerMinute(span time.Duration) (float64, bool) {
	n := len(r.s)
	if n < 2 {
		return 0, false
	}
	last := r.s[n-1]
	base := n - 1
	for base > 0 && last.at.Sub(r.s[base-1].at) <= span {
		base--
	}
	if base == n-1 {
		base = n - 2
	}
	el := last.at.Sub(r.s[base].at)
	if el <= 0 {
		return 0, false
	}
	return (last.v - r.s[base].v) / el.Minutes(), true
}

// spark draws the series as a sparkline w cells wide: the time from the oldest
// to the newest sample is split into w buckets, each showing its last value
// (carried forward over empty buckets), scaled between the min and the max.
func (r *series) spark(w int) string {
	if w <= 0 || len(r.s) == 0 {
		return ""
	}
	if w == r.sparkW {
		return r.sparkStr
	}
	r.sparkW, r.sparkStr = w, r.draw(w)
	return r.sparkStr
}

// draw renders the sparkline of spark.
func (r *series) draw(w int) string {
	first, last := r.s[0].at, r.s[len(r.s)-1].at
	span := last.Sub(first)
	vals := make([]float64, w)
	have := make([]bool, w)
	for _, p := range r.s {
		b := w - 1
		if span > 0 {
			b = int(int64(p.at.Sub(first)) * int64(w-1) / int64(span))
		}
		vals[b], have[b] = p.v, true
	}
	lo, hi := r.s[0].v, r.s[0].v
	for _, p := range r.s {
		lo, hi = min(lo, p.v), max(hi, p.v)
	}
	var b strings.Builder
	b.Grow(w * 3)
	seen, cur := false, 0.0
	for i := range w {
		if have[i] {
			seen, cur = true, vals[i]
		}
		if !seen {
			b.WriteByte(' ')
			continue
		}
		l := level(cur, lo, hi) * sparkRuneBytes
		b.WriteString(sparkLevels[l : l+sparkRuneBytes])
	}
	return b.String()
}

// level maps v in [lo, hi] to a sparkline level (the middle when flat).
func level(v, lo, hi float64) int {
	if hi <= lo {
		return sparkTop / 2
	}
	l := int((v - lo) / (hi - lo) * float64(sparkTop))
	return min(max(l, 0), sparkTop)
}
