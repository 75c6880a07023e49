package panels

import "flashtop/salerate"

// The sales table's Δ/MIN and ETA columns follow the rate rules of package
// flashtop/salerate (the alerts read the same ones):
//
//   - Δ/MIN is minus the units sold in the window per minute of the window
//     ("-120.0", "0" when nothing sold); "—" before two samples. Only falls
//     of the stock count: Δ/MIN is never positive.
//   - ETA = stock ÷ units sold per second, shown only with at least
//     minRateSpan of history in the window and minDecreases falls in it, and
//     while not stalled ("stalled" then); "—" until then. Danger under
//     etaUrgent, warning under etaSoon; ">99d" beyond maxETA.
//   - Stock 0 is "SOLD OUT" (its own colour, never "—"); below 0 "OVERSOLD"
//     (danger). A sale without a stock key has "—" in every column.
const (
	rateWindow   = salerate.RateWindow   // sales are counted over the last minute of samples
	minRateSpan  = salerate.MinRateSpan  // history an ETA (or "stalled") needs
	minDecreases = salerate.MinDecreases // falls of the stock an ETA needs in the window
	stallFloor   = salerate.StallFloor   // shortest time without a fall that is a stall
	stallGaps    = salerate.StallGaps    // a stall is also this many usual gaps between falls
	maxETA       = salerate.MaxETA       // the longest ETA shown; longer ones are ">99d"
)

// saleRate is what a sale's stock history says about its sales.
type saleRate = salerate.Rate
