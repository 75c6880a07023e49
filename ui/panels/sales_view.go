package panels

import (
	"strconv"
	"time"

	"flashtop/redisops"
)

// View draws the sales table in exactly the size set.
func (m Sales) View() string {
	title := salesTitle
	if m.data.Snap != nil {
		title += " (" + strconv.Itoa(len(m.rows)) + ")"
	}
	suffix := m.st.Dim.Render(sortPrefix + m.SortName())
	if m.data.Filter != "" {
		suffix += m.st.Dim.Render(filterPrefix + redisops.SanitizeCut(m.data.Filter, m.w))
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
	cols := salesColumns()
	cols[salesColID].width = max(m.idWidth, minIDWidth) // whole ids before trends and ETAs
	t := newTable(cols, iw, true)
	body := m.tableBody(t, len(m.rows), m.list.offset, m.list.cursor, func(i int) []cell {
		return m.cells(t, m.rows[i])
	})
	return m.box(title, suffix, body)
}

// cells returns the cells of one sales row.
func (m *Sales) cells(t table, r saleRow) []cell {
	c := make([]cell, salesColTrend+1)
	if r.s.ID == m.data.Sale {
		c[salesColMarker] = cell{text: saleMarker, tone: toneMarked}
		c[salesColID] = cell{text: r.s.ID, raw: true, tone: toneMarked}
	} else {
		c[salesColID] = cell{text: r.s.ID, raw: true}
	}
	c[salesColStock] = m.stockCell(r.s.Inventory)
	if r.hasDelta {
		c[salesColDelta] = cell{text: fmtRate(r.delta)}
	} else {
		c[salesColDelta] = cell{text: dash, tone: toneDim}
	}
	c[salesColETA] = m.etaCell(r)
	c[salesColQueue] = cell{text: fmtCount(r.s.QueueLength)}
	c[salesColHead] = cell{text: dash, tone: toneDim}
	if r.s.QueueHeadAgeMs != nil {
		age := time.Duration(*r.s.QueueHeadAgeMs)*time.Millisecond + max(m.data.age(), 0)
		c[salesColHead] = cell{text: fmtDuration(age)}
	}
	c[salesColHolds] = m.holdCountCell(r.s.Reservations, t.width(salesColHolds))
	c[salesColHeld] = m.holdCountCell(r.s.ReservedUnits, t.width(salesColHeld))
	c[salesColLeaked] = leakedCell(r.s, t.width(salesColLeaked))
	if r.hist != nil && t.has(salesColTrend) {
		c[salesColTrend] = cell{text: r.hist.spark(t.width(salesColTrend)), tone: toneSpark}
	}
	return c
}

// stockCell shows the stock: "—" without a stock key, red when negative,
// yellow at zero.
func (m *Sales) stockCell(inv *int64) cell {
	switch {
	case inv == nil:
		return cell{text: dash, tone: toneDim}
	case *inv < 0:
		return cell{text: fmtCount(*inv), tone: toneBad}
	case *inv == 0:
		return cell{text: "0", tone: toneWarn}
	}
	return cell{text: fmtCount(*inv)}
}

// etaCell is the sell-out ETA: stock / (−Δ per second) while stock falls,
// "—" otherwise; red under a minute, yellow under five.
func (m *Sales) etaCell(r saleRow) cell {
	if !r.hasDelta || r.delta >= 0 || r.s.Inventory == nil || *r.s.Inventory <= 0 {
		return cell{text: dash, tone: toneDim}
	}
	secs := float64(*r.s.Inventory) / (-r.delta / 60)
	const maxETA = float64(100 * 24 * time.Hour / time.Second)
	if secs > maxETA {
		return cell{text: dash, tone: toneDim}
	}
	eta := time.Duration(secs * float64(time.Second))
	switch {
	case eta < etaUrgent:
		return cell{text: fmtDuration(eta), tone: toneBad}
	case eta < etaSoon:
		return cell{text: fmtDuration(eta), tone: toneWarn}
	}
	return cell{text: fmtDuration(eta)}
}

// Marks of the sales table, explained by SalesLegend.
const (
	notLiveMark    = "~" // after a hold count: not live (the push feed does not keep it current)
	unverifiedMark = "?" // in LEAKED: units not seen to expire
)

// SalesLegend explains the marks of the sales table, for the help.
func SalesLegend() []string {
	return []string{
		"HOLDS, HELD 12" + notLiveMark + "        not live: as of the time the status bar gives",
		"LEAKED      12u/3h     12 units of 3 expired holds, not reclaimed yet",
		"LEAKED      12u(5" + unverifiedMark + ")/3h 5 of the 12 not seen to expire: not reclaimed by default",
	}
}

// holdCountCell shows a hold count (holds, held units) in w cells; while the
// counts are not live it carries the not-live mark and the dim tone, and
// the mark stays when the number is wide: its decimal goes ("100k~").
func (m *Sales) holdCountCell(n int64, w int) cell {
	text := fmtCount(n)
	if m.data.Snap == nil || m.data.Snap.Feed.Live() {
		return cell{text: text}
	}
	if len(text)+len(notLiveMark) > w {
		text = fmtCountPrec(n, 0)
	}
	return cell{text: text + notLiveMark, tone: toneDim}
}

// leakedCell shows the units and holds lost to expired holds and not
// reclaimed yet ("12u/3h", red), with the units not seen to expire when
// there are some ("12u(5?)/3h"); "—" when none. What does not fit in w cells
// goes, the holds first: "12u(5?)", then "12u?".
func leakedCell(s redisops.SaleStats, w int) cell {
	if s.LeakedUnits == 0 && s.LeakedHolds == 0 {
		return cell{text: dash, tone: toneDim}
	}
	units, holds := fmtCount(s.LeakedUnits)+"u", "/"+fmtCount(s.LeakedHolds)+"h"
	forms := []string{units + holds, units}
	if s.LeakedUnverifiedUnits > 0 {
		unv := "(" + fmtCount(s.LeakedUnverifiedUnits) + unverifiedMark + ")"
		forms = []string{units + unv + holds, units + unv, units + unverifiedMark}
	}
	for _, f := range forms {
		if len(f) <= w {
			return cell{text: f, tone: toneBad}
		}
	}
	return cell{text: forms[len(forms)-1], tone: toneBad}
}
