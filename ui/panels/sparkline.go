package panels

import (
	"math"
	"strings"
	"time"

	"flashtop/salerate"
)

// sparkLevels are the eight levels of a sparkline, lowest first, each a
// three-byte rune.
const (
	sparkLevels    = "▁▂▃▄▅▆▇█"
	sparkRuneBytes = 3
	sparkTop       = len(sparkLevels)/sparkRuneBytes - 1
)

// series is a bounded time series (salerate.Series) with the last
// sparkline drawn of it, reused until a sample is added or the width
// changes.
type series struct {
	salerate.Series
	sparkW   int
	sparkStr string
}

// add appends v at time at (ignored unless at is after the newest sample).
func (r *series) add(at time.Time, v float64) {
	if r.Add(at, v) {
		r.sparkW, r.sparkStr = 0, ""
	}
}

// spark draws the series as a sparkline w cells wide: the time from the oldest
// to the newest sample is split into w buckets, each showing its last value
// (carried forward over empty buckets), on the vertical scale of sparkScale.
func (r *series) spark(w int) string {
	if w <= 0 || len(r.Samples()) == 0 {
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
	ss := r.Samples()
	first, last := ss[0].At, ss[len(ss)-1].At
	span := last.Sub(first)
	vals := make([]float64, w)
	have := make([]bool, w)
	for _, p := range ss {
		b := w - 1
		if span > 0 {
			b = int(int64(p.At.Sub(first)) * int64(w-1) / int64(span))
		}
		vals[b], have[b] = p.V, true
	}
	lo, hi := ss[0].V, ss[0].V
	for _, p := range ss {
		lo, hi = min(lo, p.V), max(hi, p.V)
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
