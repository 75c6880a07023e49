package panels

import (
	"math"
	"time"
)

// Rules of the sales table's Δ/MIN and ETA columns, from a sale's stock
// samples (one per snapshot):
//
//   - Sales window: the samples of the last rateWindow (the sample just
//     before when the newest is alone in it). Only falls of the stock between
//     two consecutive samples count as sales; a rise (a restock, or units a
//     release or an expiry gave back) counts as nothing, so Δ/MIN is never
//     positive and a restock never speeds up or flips it. Within one poll
//     interval only the net change is seen: 10 sold and 15 restocked read
//     as a rise of 5, i.e. no sale.
//   - Δ/MIN is minus the units sold in the window per minute of the window
//     ("-120.0", "0" when nothing sold); "—" before two samples.
//   - Stalled: with at least minRateSpan of history, no fall of the stock for
//     stallAfter = max(stallFloor, stallGaps × the mean gap between the last
//     stallGaps+1 falls), at most rateWindow. A steady sale that stops reads
//     "stalled" stallFloor after its last sale, a slow one later.
//   - ETA = stock ÷ units sold per second, shown only with at least
//     minRateSpan of history in the window and minDecreases falls in it, and
//     while not stalled; "—" until then. Danger under etaUrgent, warning under
//     etaSoon; ">99d" beyond maxETA.
//   - Stock 0 is "SOLD OUT" (its own colour, never "—"); below 0 "OVERSOLD"
//     (danger). A sale without a stock key has "—" in every column.
const (
	rateWindow   = time.Minute      // sales are counted over the last minute of samples
	minRateSpan  = 15 * time.Second // history an ETA (or "stalled") needs
	minDecreases = 3                // falls of the stock an ETA needs in the window
	stallFloor   = 15 * time.Second // shortest time without a fall that is a stall
	stallGaps    = 3                // a stall is also this many usual gaps between falls
)

// saleRate is what a sale's stock history says about its sales.
type saleRate struct {
	ok         bool          // at least two samples
	perMin     float64       // units sold per minute over the window (never negative)
	span       time.Duration // history the window covers
	decreases  int           // samples of the window at which the stock fell
	sinceFall  time.Duration // since the last fall in the history (the whole history when none)
	stallAfter time.Duration // the stall threshold of this sale
}

// stalled reports whether the sale has stopped selling: enough history and
// no fall for stallAfter.
func (r saleRate) stalled() bool {
	return r.ok && r.span >= minRateSpan && (r.decreases == 0 || r.sinceFall >= r.stallAfter)
}

// etaReady reports whether the history is enough for an ETA: minRateSpan,
// minDecreases falls, selling and not stalled.
func (r saleRate) etaReady() bool {
	return r.ok && r.span >= minRateSpan && r.decreases >= minDecreases && r.perMin > 0 && !r.stalled()
}

// eta is the time left to sell stock at the window's rate (etaReady only).
func (r saleRate) eta(stock int64) time.Duration {
	secs := float64(stock) / (r.perMin / 60)
	if secs > maxETA.Seconds() || math.IsNaN(secs) {
		return maxETA + time.Second
	}
	return time.Duration(secs * float64(time.Second))
}

// maxETA is the longest ETA shown; longer ones are ">99d".
const maxETA = 99 * 24 * time.Hour

// salesRate measures the sales of the last window of the series (see the
// rules above). The stall threshold's usual gap is the mean gap between the
// last stallGaps+1 falls of the whole history, so that a slow sale keeps its
// pace when its falls leave the window.
func (r *series) salesRate(window time.Duration) saleRate {
	n := len(r.s)
	if n < 2 {
		return saleRate{}
	}
	last := r.s[n-1]
	base := n - 1
	for base > 0 && last.at.Sub(r.s[base-1].at) <= window {
		base--
	}
	base = min(base, n-2)
	out := saleRate{ok: true, span: last.at.Sub(r.s[base].at)}
	if out.span <= 0 {
		return saleRate{}
	}
	sold := 0.0
	for i := base + 1; i < n; i++ {
		if d := r.s[i-1].v - r.s[i].v; d > 0 {
			sold += d
			out.decreases++
		}
	}
	out.perMin = sold / out.span.Minutes()
	falls := r.lastFalls(stallGaps + 1)
	out.sinceFall = last.at.Sub(r.s[0].at)
	out.stallAfter = stallFloor
	if k := len(falls); k > 0 {
		out.sinceFall = last.at.Sub(falls[0])
		if k > 1 {
			gap := falls[0].Sub(falls[k-1]) / time.Duration(k-1)
			out.stallAfter = max(stallFloor, stallGaps*gap)
		}
	}
	out.stallAfter = min(out.stallAfter, window)
	return out
}

// lastFalls returns the times of up to k of the newest samples at which the
// stock fell, newest first.
func (r *series) lastFalls(k int) []time.Time {
	out := make([]time.Time, 0, k)
	for i := len(r.s) - 1; i > 0 && len(out) < k; i-- {
		if r.s[i].v < r.s[i-1].v {
			out = append(out, r.s[i].at)
		}
	}
	return out
}
