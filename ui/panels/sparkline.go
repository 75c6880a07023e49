package panels

import (
	"math"
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

// spark draws the series as a sparkline w cells wide: the time from the oldest
// to the newest sample is split into w buckets, each showing its last value
// (carried forward over empty buckets), on the vertical scale of sparkScale.
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
	bottom, vspan := sparkScale(lo, hi)
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
		l := level(cur, bottom, vspan) * sparkRuneBytes
		b.WriteString(sparkLevels[l : l+sparkRuneBytes])
	}
	return b.String()
}

// minSparkSpan is the least range a sparkline's full height stands for, as
// a fraction of the series' largest magnitude: a quarter of the stock, so
// that one of the eight heights is at least about 3.6% of it. A smaller
// change draws (nearly) flat — a 0.16% drop is no cliff — and a flat stock
// draws at mid height, never as a full bar; a sale that sold from 200 to 40
// still spans the whole height.
const minSparkSpan = 0.25

// sparkScale returns the vertical scale of a sparkline of values in [lo, hi]:
// its bottom and the range its height stands for. The range is hi − lo, or
// minSparkSpan of the largest magnitude when that is more, centred on the
// values (for a stock that never went below 0 the bottom then stays above
// 0: the centre is at least half the top). A stock flat at 0 draws at the
// bottom.
func sparkScale(lo, hi float64) (bottom, span float64) {
	span, bottom = hi-lo, lo
	if least := minSparkSpan * max(math.Abs(lo), math.Abs(hi)); span < least {
		span, bottom = least, (lo+hi)/2-least/2
	}
	if span <= 0 { // every value 0
		return lo, 1
	}
	return bottom, span
}

// level maps v to one of the sparkline's heights on the scale from bottom
// over span.
func level(v, bottom, span float64) int {
	l := int((v - bottom) / span * float64(sparkTop))
	return min(max(l, 0), sparkTop)
}
