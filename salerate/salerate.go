// Package salerate is the UI-free arithmetic of a sale's selling rate: a
// bounded series of stock samples (one per snapshot), the units sold per
// minute over its last window, whether the sale stalled, and the sell-out
// ETA. The dashboard's Δ/MIN and ETA columns (ui/panels) and the alerts
// (flashtop/alerts: the dashboard's and audit --watch's) read the same
// rules from here.
//
// Rules, from a sale's stock samples:
//
//   - Sales window: the samples of the last RateWindow (the sample just
//     before when the newest is alone in it). Only falls of the stock between
//     two consecutive samples count as sales; a rise (a restock, or units a
//     release or an expiry gave back) counts as nothing, so the rate is never
//     negative and a restock never speeds it up or flips it. Within one poll
//     interval only the net change is seen: 10 sold and 15 restocked read
//     as a rise of 5, i.e. no sale.
//   - Stalled: with at least MinRateSpan of history, no fall of the stock for
//     stallAfter = max(StallFloor, StallGaps × the mean gap between the last
//     StallGaps+1 falls), at most RateWindow. A steady sale that stops is
//     stalled StallFloor after its last sale, a slow one later.
//   - ETA = stock ÷ units sold per second, known only with at least
//     MinRateSpan of history in the window and MinDecreases falls in it, and
//     while not stalled; beyond MaxETA it is "longer than MaxETA".
package salerate

import (
	"math"
	"time"
)

// The rules' bounds.
const (
	RateWindow   = time.Minute      // sales are counted over the last minute of samples
	MinRateSpan  = 15 * time.Second // history an ETA (or "stalled") needs
	MinDecreases = 3                // falls of the stock an ETA needs in the window
	StallFloor   = 15 * time.Second // shortest time without a fall that is a stall
	StallGaps    = 3                // a stall is also this many usual gaps between falls
	// MaxETA is the longest ETA told apart; longer ones are MaxETA + 1s.
	MaxETA = 99 * 24 * time.Hour
)

// History bounds of a sale's stock series (the dashboard's and History's):
// about ten minutes of stock per sale. The stall rule reads the whole
// history, so every reader of a sale's rate keeps the same bounds.
const (
	HistoryWindow = 10 * time.Minute
	HistoryLimit  = 1200 // samples per sale (10 min at 2 polls/s)
)

// Rate is what a sale's stock history says about its sales.
type Rate struct {
	OK         bool          // at least two samples
	PerMin     float64       // units sold per minute over the window (never negative)
	Span       time.Duration // history the window covers
	Decreases  int           // samples of the window at which the stock fell
	SinceFall  time.Duration // since the last fall in the history (the whole history when none)
	StallAfter time.Duration // the stall threshold of this sale
}

// Stalled reports whether the sale has stopped selling: enough history and
// no fall for StallAfter.
func (r Rate) Stalled() bool {
	return r.OK && r.Span >= MinRateSpan && (r.Decreases == 0 || r.SinceFall >= r.StallAfter)
}

// ETAReady reports whether the history is enough for an ETA: MinRateSpan,
// MinDecreases falls, selling and not stalled.
func (r Rate) ETAReady() bool {
	return r.OK && r.Span >= MinRateSpan && r.Decreases >= MinDecreases && r.PerMin > 0 && !r.Stalled()
}

// ETA is the time left to sell stock at the window's rate (ETAReady only);
// MaxETA + 1s when longer than MaxETA.
func (r Rate) ETA(stock int64) time.Duration {
	secs := float64(stock) / (r.PerMin / 60)
	if secs > MaxETA.Seconds() || math.IsNaN(secs) {
		return MaxETA + time.Second
	}
	return time.Duration(secs * float64(time.Second))
}

// SellOut is the sell-out ETA of a sale with stock inv, and whether there is
// one: a stock key above 0 and ETAReady. No stock key, a sale sold out or
// oversold, too little history and a stall have none (never 0).
func (r Rate) SellOut(inv *int64) (time.Duration, bool) {
	if inv == nil || *inv <= 0 || !r.ETAReady() {
		return 0, false
	}
	return r.ETA(*inv), true
}

// Sample is one value of a series at one snapshot time.
type Sample struct {
	At time.Time
	V  float64
}

// Series is a bounded time series: samples older than Window (relative to
// the newest) are dropped, and at most Limit samples are kept.
type Series struct {
	Window time.Duration
	Limit  int
	s      []Sample
}

// Add appends v at time at and drops what is out of the window or over the
// limit; it reports false (and keeps nothing) unless at is after the newest
// sample.
func (r *Series) Add(at time.Time, v float64) bool {
	if n := len(r.s); n > 0 && !at.After(r.s[n-1].At) {
		return false
	}
	r.s = append(r.s, Sample{At: at, V: v})
	cut := 0
	for cut < len(r.s)-1 && (at.Sub(r.s[cut].At) > r.Window || len(r.s)-cut > r.Limit) {
		cut++
	}
	if cut > 0 {
		// Copy down so the backing array does not grow without bound.
		r.s = append(r.s[:0], r.s[cut:]...)
	}
	return true
}

// Samples are the samples kept, oldest first (the series' own: read only).
func (r *Series) Samples() []Sample { return r.s }

// Last returns the newest sample.
func (r *Series) Last() (Sample, bool) {
	if len(r.s) == 0 {
		return Sample{}, false
	}
	return r.s[len(r.s)-1], true
}

// Rate measures the sales of the last window of the series (see the
// package's rules). The stall threshold's usual gap is the mean gap between
// the last StallGaps+1 falls of the whole history, so that a slow sale keeps
// its pace when its falls leave the window.
func (r *Series) Rate(window time.Duration) Rate {
	n := len(r.s)
	if n < 2 {
		return Rate{}
	}
	last := r.s[n-1]
	base := n - 1
	for base > 0 && last.At.Sub(r.s[base-1].At) <= window {
		base--
	}
	base = min(base, n-2)
	out := Rate{OK: true, Span: last.At.Sub(r.s[base].At)}
	if out.Span <= 0 {
		return Rate{}
	}
	sold := 0.0
	for i := base + 1; i < n; i++ {
		if d := r.s[i-1].V - r.s[i].V; d > 0 {
			sold += d
			out.Decreases++
		}
	}
	out.PerMin = sold / out.Span.Minutes()
	falls := r.lastFalls(StallGaps + 1)
	out.SinceFall = last.At.Sub(r.s[0].At)
	out.StallAfter = StallFloor
	if k := len(falls); k > 0 {
		out.SinceFall = last.At.Sub(falls[0])
		if k > 1 {
			gap := falls[0].Sub(falls[k-1]) / time.Duration(k-1)
			out.StallAfter = max(StallFloor, StallGaps*gap)
		}
	}
	out.StallAfter = min(out.StallAfter, window)
	return out
}

// lastFalls returns the times of up to k of the newest samples at which the
// stock fell, newest first.
func (r *Series) lastFalls(k int) []time.Time {
	out := make([]time.Time, 0, k)
	for i := len(r.s) - 1; i > 0 && len(out) < k; i-- {
		if r.s[i].V < r.s[i-1].V {
			out = append(out, r.s[i].At)
		}
	}
	return out
}
