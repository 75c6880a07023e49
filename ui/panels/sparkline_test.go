package panels

import (
	"testing"
	"time"

	"flashtop/salerate"
)

// sparkOf draws the sparkline of values, one a second, w cells wide.
func sparkOf(w int, values ...float64) string {
	s := &series{Series: salerate.Series{Window: historyWindow, Limit: historyLimit}}
	for i, v := range values {
		s.add(t0.Add(time.Duration(i)*time.Second), v)
	}
	return s.spark(w)
}

// The sparkline's height stands for at least a quarter of the stock: a
// small drop is no cliff, a flat stock sits at mid height (not a full bar),
// a real sell-off spans the whole height.
func TestSparklineScale(t *testing.T) {
	for _, c := range []struct {
		name   string
		values []float64
		want   string
	}{
		{"flat", []float64{24_960, 24_960, 24_960, 24_960}, "▄▄▄▄"},
		{"flat small", []float64{5, 5, 5, 5}, "▄▄▄▄"},
		{"flat at 0 (sold out)", []float64{0, 0, 0, 0}, "▁▁▁▁"},
		{"0.16% drop", []float64{24_960, 24_960, 24_920, 24_920}, "▄▄▄▄"},
		{"5% drop", []float64{1000, 1000, 950, 950}, "▅▅▃▃"},
		{"60% sell-off", []float64{100, 80, 60, 40}, "█▅▃▁"},
		{"sold out", []float64{200, 100, 0, 0}, "█▄▁▁"},
		{"restock", []float64{10, 10, 510, 500}, "▁▁█▇"},
		{"negative", []float64{2, 1, 0, -1}, "█▅▃▁"},
	} {
		if got := sparkOf(len(c.values), c.values...); got != c.want {
			t.Errorf("%s %v: %q, want %q", c.name, c.values, got, c.want)
		}
	}
	for _, c := range []struct {
		lo, hi, bottom, span float64
	}{
		{100, 100, 87.5, 25}, // flat: a quarter of 100, centred
		{24_920, 24_960, 21_820, 6_240},
		{40, 100, 40, 60},       // a change over a quarter: min to max
		{0, 0, 0, 1},            // all zero
		{-10, -10, -11.25, 2.5}, // flat below zero
	} {
		if b, s := sparkScale(c.lo, c.hi); b != c.bottom || s != c.span {
			t.Errorf("sparkScale(%v, %v) = %v, %v; want %v, %v", c.lo, c.hi, b, s, c.bottom, c.span)
		}
	}
}
