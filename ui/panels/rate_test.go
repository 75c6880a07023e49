package panels

import (
	"testing"
	"time"

	"flashtop/redisops"
	"flashtop/ui/table"
)

// rateRun feeds a sales table snapshots of one sale, sale-b, on an injected
// clock (TakenAt and Now move together), and reads its Δ/MIN and ETA cells.
type rateRun struct {
	t     *testing.T
	m     Sales
	queue int64
}

func newRateRun(t *testing.T) *rateRun {
	r := &rateRun{t: t, m: NewSales(asciiStyles())}
	r.m.SetSize(120, 8)
	return r
}

// at feeds sale-b's stock at second s.
func (r *rateRun) at(s int, stock int64) {
	snap := fixture(t0.Add(time.Duration(s) * time.Second))
	snap.Sales = []redisops.SaleStats{{ID: "sale-b", Inventory: i64(stock), QueueLength: r.queue}}
	r.m.SetData(Data{Snap: snap, Now: snap.TakenAt})
}

// cells returns sale-b's Δ/MIN and ETA cells.
func (r *rateRun) cells() (delta, eta table.Cell) {
	r.t.Helper()
	if len(r.m.rows) != 1 {
		r.t.Fatalf("%d rows", len(r.m.rows))
	}
	row := r.m.rows[0]
	c := r.m.cells(table.Fit(r.m.columns(118), 118, true), row)
	return c[salesColDelta], c[salesColETA]
}

// want checks sale-b's Δ/MIN and ETA texts and the ETA's tone.
func (r *rateRun) want(when string, delta, eta string, tn table.Tone) {
	r.t.Helper()
	d, e := r.cells()
	if d.Text != delta || e.Text != eta || e.Tone != tn {
		r.t.Errorf("%s: Δ/MIN %q ETA %q (tone %d), want %q %q (tone %d)", when, d.Text, e.Text, e.Tone, delta, eta, tn)
	}
}

// Three reserves in three seconds give a Δ but no ETA; the ETA comes with
// 15 s of history and at least 3 falls.
func TestRateMinimumHistoryBeforeETA(t *testing.T) {
	r := newRateRun(t)
	for s := 0; s <= 3; s++ {
		r.at(s, int64(100-s))
	}
	r.want("3 reserves in 3 s", "-60.0", dash, table.Dim) // not "ETA 1m37s"
	for s := 4; s <= 14; s++ {
		r.at(s, int64(100-s))
	}
	r.want("14 s of history", "-60.0", dash, table.Dim)
	r.at(15, 85)
	r.want("15 s of history", "-60.0", "1m25s", table.Warn) // 85 left at 1/s
	// A long history with only 2 falls in the window: still no ETA.
	q := newRateRun(t)
	for s := 0; s <= 20; s++ {
		q.at(s, 100)
	}
	q.at(21, 99)
	q.at(22, 98)
	q.want("2 falls in 22 s", "-5.5", dash, table.Dim) // 2 units in 22 s
}

// A restock (the stock rising) is no sale: Δ/MIN stays negative, counts the
// units sold only, and the ETA uses that rate.
func TestRateRestockExcluded(t *testing.T) {
	r := newRateRun(t)
	stock := int64(200)
	for s := 0; s <= 40; s++ {
		switch {
		case s == 31:
			stock += 500 // restock, nothing sold in that second
		case s > 0:
			stock--
		}
		r.at(s, stock)
	}
	// 39 units sold in 40 s: 58.5/min; 661 left at 0.975/s → 677.9 s.
	r.want("after a +500 restock", "-58.5", "11m17s", table.Plain)
	if got := r.m.rows[0].rate.PerMin; got != 58.5 {
		t.Errorf("perMin %v, want 58.5", got)
	}
	// Only restocks: 0, never positive.
	q := newRateRun(t)
	for s := 0; s <= 20; s++ {
		q.at(s, int64(10+5*s))
	}
	q.want("rising only", "0", etaStalled, table.Dim)
}

// When sales stop the ETA grows as the rate decays, and reads "stalled"
// 15 s after the last sale (a warning while buyers queue).
func TestRateStalledDecay(t *testing.T) {
	r := newRateRun(t)
	for s := 0; s <= 30; s++ {
		r.at(s, int64(200-s))
	}
	r.want("selling 1/s", "-60.0", "2m50s", table.Warn) // 170 left
	for s := 31; s <= 44; s++ {
		r.at(s, 170)
	}
	// 30 sold in the 44 s window: 40.9/min; 170 ÷ (30/44 per s) = 249.3 s.
	r.want("14 s after the last sale", "-40.9", "4m09s", table.Warn)
	r.at(45, 170)
	r.want("15 s after the last sale", "-40.0", etaStalled, table.Dim)
	r.queue = 538
	r.at(46, 170)
	r.want("stalled with buyers queued", "-39.1", etaStalled, table.Warn)
	// A minute later nothing sold in the window: Δ 0, still stalled.
	for s := 47; s <= 91; s++ {
		r.at(s, 170)
	}
	r.want("a minute after", "0", etaStalled, table.Warn)
	// Selling again: no longer stalled, but the ETA waits for 3 falls.
	r.at(92, 169)
	r.want("one new sale", "-1.0", dash, table.Dim)
}

// A slow sale (one unit every 20 s) is stalled only after 3 of its gaps
// (60 s), not after 15 s.
func TestRateSlowSaleStall(t *testing.T) {
	r := newRateRun(t)
	stock := int64(100)
	for s := 0; s <= 119; s++ {
		if s > 0 && s%20 == 0 && s <= 60 {
			stock--
		}
		r.at(s, stock)
		switch s {
		case 75: // falls at 20, 40, 60: 3 in the window [15, 75]
			r.want("15 s after a slow sale", "-3.0", "32m20s", table.Plain) // 97 ÷ (3/60 per s)
		case 100: // one fall left in the window: no ETA, not stalled (40 s < 60 s)
			r.want("40 s after a slow sale", "-1.0", dash, table.Dim)
		}
	}
	r.at(120, stock)
	r.want("60 s after a slow sale", "0", etaStalled, table.Dim)
}

// Stock 0 is SOLD OUT in its own colour, not "—"; below 0 OVERSOLD; no stock
// key "—"; a far ETA ">99d".
func TestRateSoldOutAndOtherStates(t *testing.T) {
	r := newRateRun(t)
	for s := 0; s <= 20; s++ {
		r.at(s, int64(max(10-s, 0)))
	}
	r.want("sold out", "-30.0", etaSoldOut, table.SoldOut)
	if c := stockCell(i64(0)); c.Text != "0" || c.Tone != table.SoldOut {
		t.Errorf("stock 0: %+v", c)
	}
	r.at(21, -2)
	r.want("oversold", "-34.3", etaOversold, table.Bad)
	if c := stockCell(i64(-2)); c.Text != "-2" || c.Tone != table.Bad {
		t.Errorf("stock -2: %+v", c)
	}
	if c := etaCell(saleRow{}); c.Text != dash || c.Tone != table.Dim {
		t.Errorf("no stock key: %+v", c)
	}
	// 3 units a minute, 999,999,999 left: longer than 99 days.
	q := newRateRun(t)
	for s := 0; s <= 60; s += 20 {
		q.at(s, 1_000_000_000-int64(s/20))
	}
	q.want("huge stock", "-3.0", etaLong, table.Dim)
}

// The ETA's tone: danger under a minute, a warning under five.
func TestRateETATones(t *testing.T) {
	for _, c := range []struct {
		stock int64
		want  string
		tn    table.Tone
	}{
		{59, "59s", table.Bad},
		{60, "1m00s", table.Warn},
		{299, "4m59s", table.Warn},
		{300, "5m00s", table.Plain},
	} {
		r := newRateRun(t)
		for s := 0; s <= 20; s++ {
			r.at(s, c.stock+int64(20-s)) // 1/s, ending at c.stock
		}
		r.want("stock "+fmtCount(c.stock), "-60.0", c.want, c.tn)
	}
}
