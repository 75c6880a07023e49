package panels

import (
	"strconv"
	"time"

	"flashtop/alerts"
	"flashtop/redisops"
	"flashtop/textsafe"
	"flashtop/ui/table"
)

// Colour thresholds of the sales table (the README's column legend gives the
// same numbers; colours come from the theme: warning, danger, sold out).
const (
	etaUrgent     = time.Minute     // ETA below this is drawn as danger
	etaSoon       = 5 * time.Minute // ETA below this is drawn as a warning
	headAgeWarn   = time.Minute     // a queue head waiting this long is a warning
	headAgeDanger = 3 * time.Minute // ... and this long, danger
)

// ETA column states that are not a duration.
const (
	etaSoldOut  = "SOLD OUT" // stock 0
	etaOversold = "OVERSOLD" // stock below 0
	etaStalled  = "stalled"  // no sale for the stall threshold (rate.go)
	etaLong     = ">99d"     // beyond maxETA
)

// View draws the sales table in exactly the size set.
func (m Sales) View() string {
	title := salesTitle
	if m.data.Snap != nil {
		title += " (" + strconv.Itoa(len(m.rows)) + ")"
	}
	suffix := m.st.Dim.Render(sortPrefix + m.SortName())
	if m.data.Filter != "" {
		suffix += m.st.Dim.Render(filterPrefix + textsafe.Cut(m.data.Filter, m.w))
	}
	if s := staleSuffix(m.data); s != "" {
		suffix += m.st.Stale.Render(s)
	}
	switch {
	case m.data.Snap == nil:
		return m.box(title, suffix, m.message(noData))
	case len(m.rows) == 0 && m.data.Filter != "":
		return m.box(title, suffix, m.message(noMatch))
	case len(m.rows) == 0:
		return m.box(title, suffix, m.message(noSales))
	}
	iw, _ := m.inner()
	body := m.tableBody(m.columns(iw), func(l table.Layout, i int) []table.Cell { return m.cells(l, m.rows[i]) })
	return m.box(title, suffix, body)
}

// columns are the table's columns for iw inner cells: each numeric column
// as wide as its widest exact value, and the id column's minimum cut so that
// the marker, the id and the whole stock (which is never dropped, cut or
// rounded) fit.
func (m *Sales) columns(iw int) []table.Column {
	cols := salesColumns()
	for i, w := range m.numWidth {
		cols[i].Width = max(cols[i].Width, w)
	}
	fixed := table.GutterWidth + cols[salesColMarker].Width + cols[salesColStock].Width + 2*table.ColGap
	cols[salesColID].Width = max(min(m.idWidth, iw-fixed), 1) // whole ids before trends and ETAs
	return cols
}

// measure widens the numeric columns to row r's exact values.
func (m *Sales) measure(r saleRow) {
	widen := func(col int, text string) { m.numWidth[col] = max(m.numWidth[col], len(text)) }
	if r.s.Inventory != nil {
		widen(salesColStock, fmtCount(*r.s.Inventory))
	}
	if r.rate.OK {
		widen(salesColDelta, fmtRate(-r.rate.PerMin))
	}
	widen(salesColQueue, fmtCount(r.s.QueueLength))
	widen(salesColHolds, m.holdCountCell(r.s.Reservations).Text)
	widen(salesColHeld, m.holdCountCell(r.s.ReservedUnits).Text)
	forms := leakedForms(r.s)
	widen(salesColLeaked, forms[len(forms)-1])
}

// cells returns the cells of one sales row.
func (m *Sales) cells(l table.Layout, r saleRow) []table.Cell {
	c := make([]table.Cell, salesColTrend+1)
	if r.s.ID == m.data.Sale {
		c[salesColMarker] = table.Cell{Text: saleMarker, Tone: table.Marked}
		c[salesColID] = table.Cell{Text: r.s.ID, Raw: true, ID: true, Tone: table.Marked}
	} else {
		c[salesColID] = table.Cell{Text: r.s.ID, Raw: true, ID: true}
	}
	c[salesColStock] = stockCell(r.s.Inventory)
	c[salesColDelta] = table.Cell{Text: dash, Tone: table.Dim}
	if r.rate.OK {
		c[salesColDelta] = table.Cell{Text: fmtRate(-r.rate.PerMin)}
	}
	c[salesColETA] = etaCell(r)
	c[salesColQueue] = queueCell(r.s)
	c[salesColHead] = table.Cell{Text: dash, Tone: table.Dim}
	if r.s.QueueHeadAgeMs != nil {
		age := time.Duration(*r.s.QueueHeadAgeMs)*time.Millisecond + max(m.data.age(), 0)
		c[salesColHead] = table.Cell{Text: fmtDuration(age), Tone: waitTone(age)}
	}
	c[salesColHolds] = m.holdCountCell(r.s.Reservations)
	c[salesColHeld] = m.holdCountCell(r.s.ReservedUnits)
	c[salesColLeaked] = leakedCell(r.s, l.Width(salesColLeaked))
	m.markAlerts(c, r.s.ID)
	if r.hist != nil && l.Has(salesColTrend) {
		c[salesColTrend] = table.Cell{Text: r.hist.spark(l.Width(salesColTrend)), Tone: table.Spark}
	}
	return c
}

// alertCols are the sales columns an alert rule colours.
var alertCols = []struct {
	rule alerts.Rule
	col  int
}{{alerts.SellOut, salesColETA}, {alerts.HeadAge, salesColHead}, {alerts.LeakRate, salesColLeaked}}

// markAlerts gives the cells of sale's active alerts the alert tone (the
// text stays: without colour the header's "alerts N" still counts them).
func (m *Sales) markAlerts(c []table.Cell, sale string) {
	for _, a := range alertCols {
		if m.data.Alerts.Has(a.rule, sale) {
			c[a.col].Tone = table.Alert
		}
	}
}

// stockCell shows the stock in exact digits: "—" without a stock key,
// danger when negative, the sold-out colour at zero.
func stockCell(inv *int64) table.Cell {
	switch {
	case inv == nil:
		return table.Cell{Text: dash, Tone: table.Dim}
	case *inv < 0:
		return table.Cell{Text: fmtCount(*inv), Tone: table.Bad}
	case *inv == 0:
		return table.Cell{Text: "0", Tone: table.SoldOut}
	}
	return table.Cell{Text: fmtCount(*inv)}
}

// queueCell shows the queue length: danger when buyers wait on a sale with
// no stock left (they wait for nothing).
func queueCell(s redisops.SaleStats) table.Cell {
	c := table.Cell{Text: fmtCount(s.QueueLength)}
	if s.QueueLength > 0 && s.Inventory != nil && *s.Inventory <= 0 {
		c.Tone = table.Bad
	}
	return c
}

// waitTone colours how long the head of a queue has waited: a warning from
// headAgeWarn, danger from headAgeDanger.
func waitTone(age time.Duration) table.Tone {
	switch {
	case age >= headAgeDanger:
		return table.Bad
	case age >= headAgeWarn:
		return table.Warn
	}
	return table.Plain
}

// etaCell is the sell-out ETA (rules in rate.go): "SOLD OUT" at stock 0,
// "OVERSOLD" below, "stalled" when sales stopped (a warning while buyers
// queue), "—" without a stock key or enough history; else stock ÷ sales per
// second, danger under etaUrgent, a warning under etaSoon.
func etaCell(r saleRow) table.Cell {
	inv := r.s.Inventory
	switch {
	case inv == nil:
		return table.Cell{Text: dash, Tone: table.Dim}
	case *inv == 0:
		return table.Cell{Text: etaSoldOut, Tone: table.SoldOut}
	case *inv < 0:
		return table.Cell{Text: etaOversold, Tone: table.Bad}
	case r.rate.Stalled() && r.s.QueueLength > 0:
		return table.Cell{Text: etaStalled, Tone: table.Warn}
	case r.rate.Stalled():
		return table.Cell{Text: etaStalled, Tone: table.Dim}
	case !r.rate.ETAReady():
		return table.Cell{Text: dash, Tone: table.Dim}
	}
	eta := r.rate.ETA(*inv)
	switch {
	case eta > maxETA:
		return table.Cell{Text: etaLong, Tone: table.Dim}
	case eta < etaUrgent:
		return table.Cell{Text: fmtDuration(eta), Tone: table.Bad}
	case eta < etaSoon:
		return table.Cell{Text: fmtDuration(eta), Tone: table.Warn}
	}
	return table.Cell{Text: fmtDuration(eta)}
}

// Marks of the sales table, explained by SalesLegend.
const (
	notLiveMark    = "~" // after a hold count: not live (the push feed does not keep it current)
	unverifiedMark = "?" // in LEAKED: units not seen to expire
	leakUntracked  = "untracked"
)

// SalesLegend explains the marks and states of the sales table (and the
// queue line's and event feed's unknowns and bounds), for the help.
func SalesLegend() []string {
	return []string{
		"HOLDS, HELD 12" + notLiveMark + "        not live: as of the time the status bar gives",
		"LEAKED      12u/3h     12 units of 3 expired holds, not reclaimed yet",
		"LEAKED      12u(5" + unverifiedMark + ")/3h 5 of the 12 not seen to expire: not reclaimed by default",
		"LEAKED      " + leakUntracked + "  odd sale id (see Anomalies): its leaks are not recorded",
		"Δ/MIN       -120.0     stock change per minute from sales only (no restocks)",
		"ETA         —          under " + fmtDuration(minRateSpan) + " or " + strconv.Itoa(minDecreases) + " sales of history, or no stock key",
		"ETA         " + etaStalled + "    no sale for " + fmtDuration(stallFloor) + " (or " + strconv.Itoa(stallGaps) + " usual gaps between sales)",
		"ETA         " + etaSoldOut + "   stock 0 (" + etaOversold + ": below 0)",
		"ETA HEAD LEAKED        alert colour: past its --alert-* threshold (alerts N)",
		"TREND       ▁▄█        stock, up to " + strconv.Itoa(int(historyWindow/time.Minute)) + " min; full height is ≥ " + strconv.Itoa(int(minSparkSpan*100)) + "% of the stock",
		"Queue line  p50 —      not known yet (rates after 2 ticks): never read as 0",
		"Events      ≥20 admitted a lower bound: more left the head than flashtop saw",
	}
}

// holdCountCell shows a hold count (holds, held units) in exact digits;
// while the counts are not live it carries the not-live mark and the dim
// tone (the column widens to keep both).
func (m *Sales) holdCountCell(n int64) table.Cell {
	text := fmtCount(n)
	if m.data.Snap == nil || m.data.Snap.Feed.Live() {
		return table.Cell{Text: text}
	}
	return table.Cell{Text: text + notLiveMark, Tone: table.Dim}
}

// leakedForms are the ways to show a sale's leak, most detailed first:
// "12u(5?)/3h", "12u(5?)", "12u?" with unverified units, else "12u/3h",
// "12u". The last is the column's least width: its digits are never cut.
func leakedForms(s redisops.SaleStats) []string {
	units, holds := fmtCount(s.LeakedUnits)+"u", "/"+fmtCount(s.LeakedHolds)+"h"
	if s.LeakedUnverifiedUnits > 0 {
		unv := "(" + fmtCount(s.LeakedUnverifiedUnits) + unverifiedMark + ")"
		return []string{units + unv + holds, units + unv, units + unverifiedMark}
	}
	return []string{units + holds, units}
}

// leakedCell shows the units and holds lost to expired holds and not
// reclaimed yet ("12u/3h", red), with the units not seen to expire when
// there are some ("12u(5?)/3h"); "—" when none; "untracked" for a sale id
// no command could name (an odd_id anomaly), whose leaks are never recorded. What does not fit in w cells
// goes, the holds first: "12u(5?)", then "12u?".
func leakedCell(s redisops.SaleStats, w int) table.Cell {
	if s.LeakedUnits == 0 && s.LeakedHolds == 0 && redisops.ValidateID("sale", s.ID) != nil {
		return table.Cell{Text: leakUntracked, Tone: table.Warn} // the ledger refuses its leaks: "—" would say none
	}
	if s.LeakedUnits == 0 && s.LeakedHolds == 0 {
		return table.Cell{Text: dash, Tone: table.Dim}
	}
	forms := leakedForms(s)
	for _, f := range forms {
		if len(f) <= w {
			return table.Cell{Text: f, Tone: table.Bad}
		}
	}
	return table.Cell{Text: forms[len(forms)-1], Tone: table.Bad}
}
