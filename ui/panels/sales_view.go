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
	c[salesColHolds] = cell{text: fmtCount(r.s.Reservations)}
	c[salesColHeld] = cell{text: fmtCount(r.s.ReservedUnits)}
	c[salesColLeaked] = leakedCell(r.s)
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

// leakedCell shows the units and holds lost to expired holds and not
// reclaimed yet ("12u/3h", red), "—" when none.
func leakedCell(s redisops.SaleStats) cell {
	if s.LeakedUnits == 0 && s.LeakedHolds == 0 {
		return cell{text: dash, tone: toneDim}
	}
	return cell{text: fmtCount(s.LeakedUnits) + "u/" + fmtCount(s.LeakedHolds) + "h", tone: toneBad}
}
