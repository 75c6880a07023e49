package panels

import (
	"slices"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"flashtop/salelog"
	"flashtop/textsafe"
	"flashtop/ui/table"
	"flashtop/ui/theme"
)

// Event feed texts and widths.
const (
	eventsTitle  = "Events"
	noEventsYet  = "no sale events yet"
	minSaleWidth = 10
	// serverAlertSale stands in the sale column of a server alert (memory,
	// scripts), drawn dim so it does not read as a sale id.
	serverAlertSale = "(server)"
	minEventWidth   = 24 // "SOLD OUT: stock 1,200 → 0"; narrower, the time goes
)

// Event feed columns. As width shrinks the time goes first.
const (
	evColTime = iota
	evColSale
	evColEvent
)

// eventColumns returns the event feed's columns, the sale column saleW wide.
func eventColumns(saleW int) []table.Column {
	return []table.Column{
		{Title: "TIME", Width: clockWidth, Drop: 1},
		{Title: "SALE", Width: saleW},
		{Title: "EVENT", Width: minEventWidth, Flex: true},
	}
}

// Events is the event feed: what happened to each sale, newest first, as
// flashtop observed it (package salelog): opened, queue formed and drained,
// admitted, sold out, restocked, holds expired and units lost, reclaimed.
// Sold out is in the SOLD OUT colour, oversold and lost units in danger and
// warning, opened and restocked in green. A growing line (admissions,
// expiries) keeps the time it began and says how long it has run ("· over
// 16s"). Filtered by Data.Filter on the sale and the text.
type Events struct {
	tableFrame
	data Data
	rows []salelog.Event // newest first, through the filter
}

// NewEvents returns an empty event feed drawn with st.
func NewEvents(st theme.Styles) Events {
	return Events{tableFrame: newTableFrame(st, table.Browsing)}
}

// SetSize sets the outer size, border included.
func (m *Events) SetSize(w, h int) { m.tableFrame.SetSize(w, h); m.table.SetRows(len(m.rows), -1) }

// Update moves the cursor on movement keys when focused.
func (m Events) Update(msg tea.Msg) (Events, tea.Cmd) {
	if m.table.Moves(msg) {
		m.table, _ = m.table.Update(msg)
	}
	return m, nil
}

// SetData takes new data (the events, newest first).
func (m *Events) SetData(d Data) {
	m.data = d
	m.rows = d.Events
	if d.Filter != "" {
		m.rows = slices.DeleteFunc(slices.Clone(d.Events), func(e salelog.Event) bool {
			return !matches(d.Filter, e.Sale, e.Text())
		})
	}
	m.table.SetRows(len(m.rows), -1)
}

// View draws the feed in exactly the size set.
func (m Events) View() string {
	suffix := m.filterSuffix(m.data.Filter)
	if !m.data.EventsSince.IsZero() {
		suffix = " · since " + fmtClock(m.data.EventsSince, m.data.Now) + suffix
	}
	switch {
	case len(m.rows) == 0 && m.data.Filter != "" && len(m.data.Events) > 0:
		return m.box(eventsTitle, suffix, m.message(noRowMatch))
	case len(m.rows) == 0:
		return m.box(eventsTitle, suffix, m.message(noEventsYet))
	}
	body := m.tableBody(eventColumns(m.saleWidth()), func(_ table.Layout, i int) []table.Cell { return m.cells(m.rows[i]) })
	return m.box(eventsTitle, suffix, body)
}

// saleWidth is the sale column's width: the longest sale id in view, at
// least minSaleWidth, at most a third of the panel (ids are cut in the middle).
func (m Events) saleWidth() int {
	iw, _ := m.inner()
	w := minSaleWidth
	for i := m.table.Offset(); i < len(m.rows) && i < m.table.Offset()+m.table.Page(); i++ {
		w = max(w, ansi.StringWidth(textsafe.String(m.rows[i].Sale)))
	}
	return max(min(w, iw/3), minSaleWidth)
}

// cells returns the cells of one event.
func (m Events) cells(e salelog.Event) []table.Cell {
	c := make([]table.Cell, evColEvent+1)
	c[evColTime] = table.Cell{Text: fmtClock(e.First, m.data.Now), Tone: table.Dim}
	c[evColSale] = table.Cell{Text: e.Sale, Raw: true, ID: true}
	if e.Sale == "" && e.Kind == salelog.Alert {
		c[evColSale] = table.Cell{Text: serverAlertSale, Tone: table.Dim}
	}
	tone := table.Plain
	switch e.Kind {
	case salelog.SoldOut:
		tone = table.SoldOut
	case salelog.Oversold:
		tone = table.Bad
	case salelog.Expired:
		tone = table.Warn
	case salelog.Opened, salelog.Restocked, salelog.Reclaimed:
		tone = table.Good
	case salelog.Alert:
		tone = table.Alert
	}
	text := e.Text()
	if e.Pops > 1 { // a growing line: how long it has run
		text += " · over " + fmtDuration(e.At.Sub(e.First))
	}
	if w := m.eventWidth(); ansi.StringWidth(text) > w && e.Pops > 1 {
		text = e.Text() // the span goes first, whole
	}
	c[evColEvent] = table.Cell{Text: text, Tone: tone}
	return c
}

// eventWidth is the event column's width at the current size (an estimate
// for dropping details: the table cuts what still does not fit).
func (m Events) eventWidth() int {
	iw, _ := m.inner()
	return max(iw-clockWidth-m.saleWidth()-2*table.ColGap-table.GutterWidth, minEventWidth)
}
